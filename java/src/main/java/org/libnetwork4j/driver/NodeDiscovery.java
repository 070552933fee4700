package org.libnetwork4j.driver;

import java.net.InetAddress;

/**
 * A node of a cluster, as DiscoverNew and DiscoverDelete report it (libnetwork's
 * {@code NodeDiscoveryData}).
 *
 * @param address its advertised (underlay) address
 * @param self    whether it is this host
 */
public record NodeDiscovery(InetAddress address, boolean self) {
}
