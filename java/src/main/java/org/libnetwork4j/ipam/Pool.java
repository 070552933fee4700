package org.libnetwork4j.ipam;

import org.libnetwork4j.IpPrefix;

/** A reserved pool: its id (for address requests), subnet and dynamic range. */
public record Pool(String id, IpPrefix subnet, IpPrefix ipRange) {
}
