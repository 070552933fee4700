package org.libnetwork4j.ipam;

import org.libnetwork4j.IpPrefix;

/**
 * A reserved pool: its id (for address requests), subnet and dynamic range.
 *
 * @param id      what address requests and the pool's release name it by
 * @param subnet  the subnet
 * @param ipRange where dynamic addresses come from: the range asked for, else the subnet
 */
public record Pool(String id, IpPrefix subnet, IpPrefix ipRange) {
}
