package org.libnetwork4j.controller;

import java.util.ArrayList;
import java.util.List;

import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.driver.Driver;
import org.libnetwork4j.driver.JoinResult;
import org.libnetwork4j.kernel.Route;

/**
 * An endpoint joined to a sandbox, and what its join made: everything the sandbox needs to
 * route through it and to call its driver, without reaching back through the network.
 *
 * @param ifindex  its interface in the sandbox, 0 if it has none
 * @param movedIn  the host name of an interface the sandbox moved in (it goes back there on
 *                 leave), else null
 * @param dstPrefix for a sandbox whose caller moves interfaces in: the prefix it names the
 *                 interface with there (ifname, ifindex being the interface in the host until
 *                 then); else null
 */
record Attachment(EndpointImpl endpoint, Driver driver, String networkId, String networkName, boolean internal,
        JoinResult join, int ifindex, String ifname, String movedIn, int priority, String dstPrefix) {

    GatewayElection.Candidate candidate() {
        return new GatewayElection.Candidate(priority, internal, networkName, endpoint.name());
    }

    boolean hasGateway() {
        return join.gatewayV4() != null || join.gatewayV6() != null;
    }

    /** The default routes through it, for when it is the gateway endpoint. */
    List<Route> defaultRoutes() {
        List<Route> l = new ArrayList<>(2);
        if (ifindex == 0) {
            return l;
        }
        if (join.gatewayV4() != null && endpoint.ipv4() != null) {
            l.add(Route.defaultVia(join.gatewayV4(), ifindex));
        }
        if (join.gatewayV6() != null && endpoint.ipv6() != null) {
            l.add(Route.defaultVia(join.gatewayV6(), ifindex));
        }
        return l;
    }

    IpPrefix ipv4() {
        return endpoint.ipv4();
    }

    IpPrefix ipv6() {
        return endpoint.ipv6();
    }

    void programExternalConnectivity() {
        driver.programExternalConnectivity(networkId, endpoint.id());
    }

    void revokeExternalConnectivity() {
        driver.revokeExternalConnectivity(networkId, endpoint.id());
    }
}
