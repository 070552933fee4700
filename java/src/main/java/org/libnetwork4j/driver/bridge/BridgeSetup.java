package org.libnetwork4j.driver.bridge;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.RetryableException;
import org.libnetwork4j.driver.HostContext;
import org.libnetwork4j.driver.NetworkRequest;
import org.libnetwork4j.driver.Subnet;
import org.libnetwork4j.driver.bridge.BridgeState.BridgeNetwork;
import org.libnetwork4j.kernel.Addr;
import org.libnetwork4j.kernel.BridgeSpec;
import org.libnetwork4j.kernel.Link;
import org.libnetwork4j.kernel.LinkChange;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Sysctl;

/**
 * A bridge network's kernel objects in the host namespace: the bridge (made, or adopted if one
 * of that name exists), its gateway addresses and its sysctls; and their removal. Runs in the
 * caller's thread, on a netlink handle of the host's pool.
 */
final class BridgeSetup {
    private static final boolean KERNEL_HAS_IPV6 = Files.isDirectory(Path.of("/proc/sys/net/ipv6"));

    private final HostContext host;
    /** Bridges whose delete runs in the background, by name: the name is theirs until it ends. */
    private final Map<String, Retiring> retiring = new ConcurrentHashMap<>();

    private record Retiring(int index, CompletableFuture<Void> done) {
    }

    BridgeSetup(HostContext host) {
        this.host = host;
    }

    /** Makes or adopts the bridge, ready for ports; undone if a step fails. */
    void setUp(BridgeNetwork n, NetworkRequest req) {
        // before a netlink handle is borrowed: the background delete needs one of them
        awaitRetired(n.bridgeName);
        host.withNetlink(nl -> {
            setUp(nl, n, req, true);
            return null;
        });
    }

    /**
     * The same, on a bridge that may exist already (a restart): its addresses, MTU and
     * settings are ensured, which changes nothing on a live bridge. countPorts: the ports of a
     * bridge found there are counted now (a restart counts them all from one dump later).
     */
    void setUp(Netlink nl, BridgeNetwork n, NetworkRequest req, boolean countPorts) {
        Link existing = nl.findLink(n.bridgeName).orElse(null);
        if (existing != null && !"bridge".equals(existing.kind())) {
            throw new InvalidParameterException("bridge name " + n.bridgeName + " is taken by a "
                    + (existing.kind().isEmpty() ? "device" : existing.kind() + " device") + " that is not a bridge");
        }
        n.adopted = existing != null;
        // Multicast snooping off on bridges we make: a container's first IPv6 neighbour
        // discovery must not wait for its port's randomly delayed MLD report (~1-2 s).
        // And an address of its own, as Docker does: left to the kernel, the bridge takes the
        // lowest address among its ports each time one comes or goes, and the gateway address
        // the containers have cached stops answering (their packets to it are dropped) until
        // their ARP entries expire. A bridge we adopt keeps what its owner gave it.
        Link br = existing != null ? existing
                : nl.createBridge(BridgeSpec.of(n.bridgeName).mtu(n.settings.mtu()).mcastSnooping(false)
                        .mac(MacAddress.random()));
        n.bridgeIndex = br.index();
        try {
            // Before the bridge goes up: it may have carrier without ports (an adopted one whose
            // address the kernel chose does; ours get carrier with their first port), and then
            // its link-local address is made, and its DAD started, the moment it is up; a later
            // accept_dad=0 does not stop a DAD already running.
            Sysctl.writeAll(host.namespace(), sysctls(n, req));
            // a bridge we just made has no address to look for
            List<String> present = n.adopted
                    ? nl.addrs(br.index()).stream().map(a -> a.prefix().toString()).toList() : List.of();
            Netlink.Batch batch = new Netlink.Batch();
            for (Subnet sn : subnets(req)) {
                Addr a = Addr.of(br.index(), sn.gatewayPrefix());
                if (!sn.prefix().isIpv4()) {
                    a = a.nodad();
                }
                if (!present.contains(a.prefix().toString())) {
                    batch.addAddr(a);
                    n.addedAddrs.add(a); // undone with the rest if the batch stops before it
                }
            }
            if (!br.isUp()) {
                batch.setUp(br.index());
            }
            nl.apply(batch);
            if (n.adopted && n.settings.mtu() > 0 && br.mtu() != n.settings.mtu()) {
                nl.setMtu(br.index(), n.settings.mtu());
            }
            // a bridge we just made has no ports; one we adopt may have someone else's
            n.setPorts(n.adopted && countPorts ? nl.ports(br.index()).size() : 0);
        } catch (RuntimeException e) {
            RuntimeException u = undo(nl, n);
            if (u != null) {
                e.addSuppressed(u);
            }
            throw e;
        }
    }

    /**
     * The bridge's settings in the host namespace, written in one visit:
     * <ul>
     * <li>no IPv6 configuration from router advertisements (the host-side twin of
     * CVE-2020-13401);
     * <li>no duplicate address detection on it: until its link-local address has passed it
     * (one to two seconds after the bridge goes up) the kernel sends no neighbour
     * solicitation on the bridge at all, so a container's first IPv6 connection in that time
     * would stall; nothing but our own containers shares that link anyway;
     * <li>for a network with external connectivity: ip_forward (and IPv6 forwarding for an
     * IPv6 network), switched on and, as Docker does, never off again, since other networks
     * and software may rely on it by then; and route_localnet, which lets the host reach ports
     * published on 127.0.0.1 (DNAT from loopback to a container), while the raw prerouting
     * rule keeps 127/8 unreachable from outside (CVE-2020-8558).
     * </ul>
     * Keys missing because the kernel has no IPv6 are left out.
     */
    private static Map<String, String> sysctls(BridgeNetwork n, NetworkRequest req) {
        Map<String, String> w = new LinkedHashMap<>();
        if (KERNEL_HAS_IPV6) {
            w.put("net/ipv6/conf/" + n.bridgeName + "/accept_ra", "0");
            w.put("net/ipv6/conf/" + n.bridgeName + "/accept_dad", "0");
            if (!n.internal && req.enableIpv6()) {
                w.put("net/ipv6/conf/all/forwarding", "1");
            }
        }
        if (!n.internal) {
            w.put("net/ipv4/ip_forward", "1");
            w.put("net/ipv4/conf/" + n.bridgeName + "/route_localnet", "1");
        }
        return w;
    }

    static List<Subnet> subnets(NetworkRequest req) {
        List<Subnet> all = new ArrayList<>(req.v4());
        all.addAll(req.v6());
        return all;
    }

    /**
     * Removes what setUp made: the bridge if this driver created it, else the addresses it
     * added. What is gone already counts as removed.
     */
    void tearDown(BridgeNetwork n) {
        RuntimeException failure = host.withNetlink(nl -> undo(nl, n));
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * A bridge we made, out of use at once: down (no routes, no traffic), marked deleted in its
     * alias and put in the host's group of links to delete, in one request; the kernel's delete,
     * which waits 30-40 ms for RCU, then runs in the background, in a batch with whatever else
     * waits there. A restart in between finds the mark and finishes the delete. Its name
     * stays taken until then: a new network of that name waits ({@link #awaitRetired}).
     */
    void retire(BridgeNetwork n) {
        try {
            host.withNetlink(nl -> {
                nl.change(n.bridgeIndex, LinkChange.NONE.up(false).alias(BridgeState.deletedAlias(n.networkId))
                        .group(HostContext.RETIRED_GROUP));
                return null;
            });
        } catch (NotFoundException gone) {
            return; // deleting what is gone succeeds
        }
        Retiring r = new Retiring(n.bridgeIndex, host.deleteRetiredLater(n.bridgeIndex, n.bridgeName));
        retiring.put(n.bridgeName, r);
        r.done().whenComplete((v, e) -> {
            if (e == null) {
                retiring.remove(n.bridgeName, r);
            }
        });
    }

    /**
     * Waits for the background delete of a bridge called name, if one runs; if it failed or
     * takes too long (a long queue of deletes), deletes it here: a bridge marked deleted must
     * never be adopted by the network that takes its name.
     */
    void awaitRetired(String name) {
        Retiring r = retiring.get(name);
        if (r == null) {
            return;
        }
        try {
            r.done().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableException("interrupted waiting for the delete of bridge " + name);
        } catch (ExecutionException | TimeoutException e) {
            host.withNetlink(nl -> {
                deleteQuietly(nl, r.index());
                return null;
            });
        }
        retiring.remove(name, r);
    }

    /** As {@link #tearDown}; returns the first failure (the others suppressed on it), or null. */
    static RuntimeException undo(Netlink nl, BridgeNetwork n) {
        if (!n.adopted) {
            try {
                deleteQuietly(nl, n.bridgeIndex);
                return null;
            } catch (RuntimeException e) {
                return e;
            }
        }
        RuntimeException first = null;
        for (Addr a : n.addedAddrs) {
            try {
                nl.delAddr(a);
            } catch (NotFoundException gone) {
                // deleting what is gone succeeds
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        return first;
    }

    /**
     * What an interrupted create or delete may have left: a bridge this driver made (Docker's
     * default name, {@code br-} + this id, which nobody else would pick, or one the stored
     * state says was not adopted) is removed; on a bridge that may be someone's, only the
     * gateway addresses this network would have put there are taken off.
     */
    void discard(NetworkRequest req, Map<String, String> state) {
        String name = state.getOrDefault("bridge", BridgeState.bridgeName(req));
        boolean ours = name.equals(BridgeState.defaultBridgeName(req.id()))
                || "false".equals(state.get("adopted"));
        // on an adopted bridge, only what we added goes: the stored list if there is one (a
        // delete cut short), else the gateways (a create cut short, before the state was stored)
        List<String> added = state.containsKey("addedAddrs")
                ? List.of(state.get("addedAddrs").split(",")).stream().filter(a -> !a.isEmpty()).toList()
                : subnets(req).stream().map(sn -> sn.gatewayPrefix().toString()).toList();
        host.withNetlink(nl -> {
            Link br = nl.findLink(name).orElse(null);
            if (br == null || !"bridge".equals(br.kind())) {
                return null;
            }
            if (ours) {
                deleteQuietly(nl, br.index());
                return null;
            }
            for (String a : added) {
                try {
                    nl.delAddr(Addr.of(br.index(), a));
                } catch (NotFoundException absent) {
                    // never added, or gone already
                }
            }
            return null;
        });
    }

    static void deleteQuietly(Netlink nl, int index) {
        try {
            nl.deleteLink(index);
        } catch (NotFoundException gone) {
            // deleting what is gone succeeds
        }
    }
}
