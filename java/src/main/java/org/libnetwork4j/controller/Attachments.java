package org.libnetwork4j.controller;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.libnetwork4j.NetworkException;
import org.libnetwork4j.PortMapping;
import org.libnetwork4j.driver.RestorableDriver;
import org.libnetwork4j.kernel.Route;

/**
 * The endpoints joined to one sandbox and which of them is its gateway endpoint: that one has
 * the default routes and its published ports live. Guarded by the sandbox's lock.
 */
final class Attachments {
    private final SandboxOs os;
    private final List<Attachment> all = new ArrayList<>();
    private Attachment gateway;

    Attachments(SandboxOs os) {
        this.os = os;
    }

    List<Attachment> all() {
        return List.copyOf(all);
    }

    Attachment gateway() {
        return gateway;
    }

    /** The attachment of ep, or null. */
    Attachment of(EndpointImpl ep) {
        for (Attachment a : all) {
            if (a.endpoint() == ep) {
                return a;
            }
        }
        return null;
    }

    /** Whether a, once added, would be the gateway endpoint. */
    boolean wouldLead(Attachment a) {
        List<Attachment> with = new ArrayList<>(all);
        with.add(a);
        return GatewayElection.elect(with) == a;
    }

    void add(Attachment a) {
        all.add(a);
    }

    /** Takes a out; if it was the gateway endpoint, its published ports go (its routes go with its interface). */
    void remove(Attachment a) {
        all.remove(a);
        if (gateway == a) {
            gateway = null;
            a.revokeExternalConnectivity();
        }
    }

    /** The gateway endpoint, if any, stops being one: its default routes go, its ports too. */
    void dropGateway() {
        Attachment old = gateway;
        if (old == null) {
            return;
        }
        // it may stay attached (a better one arrived): its default routes must go
        os.removeRoutes(old.defaultRoutes());
        gateway = null;
        old.revokeExternalConnectivity();
    }

    /**
     * Makes the best candidate the gateway endpoint: default routes via it (unless
     * {@code routed}, whose routes are in place already), its external connectivity
     * programmed; the previous one loses both. Undone in itself if a step fails.
     */
    void elect(Attachment routed) {
        Attachment best = GatewayElection.elect(all);
        if (best == gateway) {
            return;
        }
        dropGateway();
        if (best == null) {
            return;
        }
        List<Route> added = best == routed ? List.of() : best.defaultRoutes();
        if (!added.isEmpty()) {
            os.addRoutes(added, false);
        }
        try {
            best.programExternalConnectivity();
        } catch (RuntimeException e) {
            try {
                os.removeRoutes(added);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
        gateway = best;
    }

    /**
     * After a restart: the gateway endpoint elected again, its default routes ensured (a join
     * cut short may not have added them), its published ports made live with the host ports
     * they had. Returns the mappings whose host port another program took meanwhile; a route
     * that cannot be added (the container took its interface down, say) goes to warnings.
     */
    List<PortMapping> restoreGateway(Map<String, List<PortMapping>> stored, List<String> warnings,
            boolean ensureRoutes) {
        gateway = GatewayElection.elect(all);
        if (gateway == null) {
            return List.of();
        }
        if (ensureRoutes) {
            try {
                os.addRoutes(gateway.defaultRoutes(), true);
            } catch (NetworkException e) {
                warnings.add("default route via " + gateway.ifname() + " not restored: " + e.getMessage());
            }
        }
        if (gateway.driver() instanceof RestorableDriver r) {
            return r.restoreExternalConnectivity(gateway.networkId(), gateway.endpoint().id(),
                    stored.getOrDefault(gateway.endpoint().id(), List.of()));
        }
        gateway.programExternalConnectivity();
        return List.of();
    }

    /**
     * The embedded resolver's addresses on the networks joined, IPv4 ones first, in join
     * order, at most 3 (what the C library reads of resolv.conf). Of a network's addresses,
     * those in the endpoint's own subnets, if any: an overlay network with several subnets
     * has a gateway in each, and the others are not on the container's link (it would ask
     * them through its default route, and wait out a timeout for each).
     */
    List<InetAddress> resolvers() {
        List<InetAddress> v4 = new ArrayList<>();
        List<InetAddress> v6 = new ArrayList<>();
        for (Attachment a : all) {
            List<InetAddress> network = a.endpoint().network().resolvers();
            boolean anyOwn = false;
            if (network.size() > 1) { // one: nothing to choose, and no test on the join's path
                for (InetAddress r : network) {
                    anyOwn |= onLink(a, r);
                }
            }
            for (InetAddress r : network) {
                if (!anyOwn || onLink(a, r)) {
                    (r instanceof Inet4Address ? v4 : v6).add(r);
                }
            }
        }
        v4.addAll(v6);
        return v4.size() > 3 ? List.copyOf(v4.subList(0, 3)) : v4;
    }

    private static boolean onLink(Attachment a, InetAddress r) {
        return a.ipv4() != null && a.ipv4().contains(r) || a.ipv6() != null && a.ipv6().contains(r);
    }

    List<InetAddress> ownAddresses() {
        List<InetAddress> l = new ArrayList<>();
        for (Attachment a : all) {
            if (a.ipv4() != null) {
                l.add(a.ipv4().address());
            }
            if (a.ipv6() != null) {
                l.add(a.ipv6().address());
            }
        }
        return l;
    }
}
