package org.libnetwork4j.driver;

import java.net.InetAddress;
import java.util.List;

import org.libnetwork4j.kernel.Route;

/**
 * What a join made in the sandbox.
 *
 * @param ifindex      the interface in the sandbox, 0 if the driver made none (host, null)
 * @param ifname       its name, null if none
 * @param gatewayV4    the next hop for the default route if this endpoint becomes the
 *                     sandbox's gateway endpoint, null for none (internal networks)
 * @param staticRoutes more routes through the interface
 */
public record JoinResult(int ifindex, String ifname, InetAddress gatewayV4, InetAddress gatewayV6,
        List<Route> staticRoutes) {
    public JoinResult {
        staticRoutes = List.copyOf(staticRoutes);
    }

    /** A join that made nothing (host and null drivers). */
    public static final JoinResult NOTHING = new JoinResult(0, null, null, null, List.of());
}
