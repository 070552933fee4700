package org.libnetwork4j.driver;

import java.net.InetAddress;
import java.util.List;

import org.libnetwork4j.kernel.Netns;

/**
 * Where the controller's resolver listens for a network's containers: addresses that are
 * local in a namespace the containers reach on their own link. For a bridge, its gateways in
 * the host namespace; for an overlay network, its gateways in the network's own namespace.
 *
 * @param namespace where the listeners' sockets are made; borrowed, the driver's (or the
 *                  host's) to close, and only needed while they are made
 * @param addresses the addresses, port 53; empty for a network that has no resolver
 */
public record ResolverSite(Netns namespace, List<InetAddress> addresses) {
    /** A network whose containers get no resolver (Docker's default bridge). */
    public static final ResolverSite NONE = new ResolverSite(null, List.of());

    /**
     * A site.
     *
     * @param namespace where the listeners' sockets are made
     * @param addresses the addresses, copied
     */
    public ResolverSite {
        addresses = List.copyOf(addresses);
    }
}
