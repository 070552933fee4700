package org.libnetwork4j.controller;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.driver.Driver;
import org.libnetwork4j.driver.JoinRequest;
import org.libnetwork4j.driver.JoinResult;
import org.libnetwork4j.kernel.Route;

/**
 * An endpoint joining a sandbox, in libnetwork's order: the driver's join; the interface into
 * the sandbox (moved in if the driver made it in the host; up, the driver's after-up work,
 * then addresses and routes, see {@link SandboxOs#configure}); gateway election and external
 * connectivity; the hosts file; the store. Each step that made something pushes its undo; a
 * failing step runs them, last first.
 * Runs with the endpoint's lock held and takes the sandbox's; calls only downwards.
 */
final class Join {
    private Join() {
    }

    /**
     * The names an endpoint brings to the resolver, as Docker's: the container's name, the
     * endpoint's aliases, the first 12 digits of the sandbox's id. None for a sandbox's way
     * out through docker_gwbridge, an anonymous endpoint in libnetwork: every overlay
     * container of the host is on that network, and its names there would let a container
     * find those of overlay networks it is not on, at addresses it cannot reach (ICC is off).
     * Its sandbox still asks through it (the resolver knows the asker by that address).
     */
    static List<String> dnsNames(SandboxImpl sb, EndpointImpl ep) {
        if (GatewayBridge.isWayOut(ep, sb)) {
            return List.of();
        }
        List<String> l = new ArrayList<>();
        l.add(sb.containerId());
        l.addAll(ep.aliases());
        l.add(sb.id().substring(0, 12));
        return l;
    }

    static InetAddress address(IpPrefix p) {
        return p == null ? null : p.address();
    }

    /** What the other hosts learn of an endpoint of a global network joined to sb. */
    static Shared.RemoteName remoteName(SandboxImpl sb, EndpointImpl ep) {
        return new Shared.RemoteName(ep.network().id(), ep.id(), dnsNames(sb, ep), address(ep.ipv4()),
                address(ep.ipv6()));
    }

    /** Returns the attachment made. */
    static Attachment run(Context ctx, EndpointImpl ep, SandboxImpl sb, int priority, String ifname) {
        NetworkImpl n = ep.network();
        Driver driver = n.driver();
        sb.lock();
        try {
            sb.checkJoinable();
            Attachments attached = sb.attachments();
            SandboxOs os = sb.os();
            Teardown undo = new Teardown();
            try {
                if (n.isGlobal()) {
                    // first, so that the names travel in the transaction that publishes the
                    // endpoint's peers (the driver's join sends it): the other hosts learn both
                    // at once, and the names cost etcd no request of their own
                    ctx.shared().publishNames(remoteName(sb, ep));
                    undo.push(() -> ctx.shared().withdrawNames(n.id(), ep.id()));
                }
                sb.askInterfaceName(ifname); // what the driver's nextInterfaceName gives, this join only
                JoinResult jr;
                try {
                    jr = driver.join(new JoinRequest(n.id(), ep.id(), sb, n.interfacePrefix(),
                            new JoinLabel(sb.id(), priority).format()));
                } finally {
                    sb.askInterfaceName(null);
                }
                undo.push(() -> driver.leave(n.id(), ep.id(), false));
                n.listenOnceReady(); // at the network's first join here (an overlay's in the namespace it made)

                int index = 0;
                String name = null;
                String movedIn = null;
                String dstPrefix = null;
                boolean callerMoves = os.callerMovesInterfaces();
                if (jr.iface() instanceof JoinResult.Iface.InSandbox in) {
                    index = in.index();
                    name = in.name();
                    dstPrefix = callerMoves ? n.interfacePrefix() : null; // "in the sandbox" was the host
                } else if (callerMoves && jr.iface() instanceof JoinResult.Iface.ToMove move) {
                    name = move.srcName(); // the caller moves it, as the driver asked
                    dstPrefix = move.dstPrefix();
                } else if (jr.iface() instanceof JoinResult.Iface.ToMove move) {
                    name = sb.nextInterfaceName(move.dstPrefix());
                    index = os.moveIn(move.srcName(), name);
                    movedIn = move.srcName();
                    int moved = index;
                    undo.push(() -> os.moveOut(moved, move.srcName()));
                }
                Attachment a = new Attachment(ep, driver, n.id(), n.name(), n.internal(), jr, index, name, movedIn,
                        priority, dstPrefix);

                // A new gateway endpoint gets its default routes with its addresses, in one
                // batch; the old one's must go first, as they are the same default routes.
                boolean leads = attached.wouldLead(a);
                if (leads && attached.gateway() != null) {
                    undo.push(() -> attached.elect(null)); // the old one back
                    attached.dropGateway();
                }
                if (index != 0 && !callerMoves) {
                    os.configure(index, name, ep.ipv4(), ep.ipv6(), jr.staticRoutes(),
                            leads ? a.defaultRoutes() : List.<Route>of(), jr.afterUp());
                } else {
                    jr.afterUp().run();
                }

                attached.add(a);
                undo.push(() -> {
                    attached.remove(a);
                    sb.files().writeResolvConf(attached.resolvers());
                    sb.files().writeHosts(attached.ownAddresses());
                });
                attached.elect(leads ? a : null);
                sb.files().writeResolvConf(attached.resolvers()); // first: the hosts file follows it
                sb.files().writeHosts(attached.ownAddresses());
                Records.sync(ctx, sb.id(), attached.all(), List.of());
                // last, as it cannot fail: the name resolves once this returns
                ctx.names().join(n.id(), ep.id(), sb.id(), dnsNames(sb, ep), address(ep.ipv4()),
                        address(ep.ipv6()));
                return a;
            } catch (RuntimeException e) {
                undo.runReversed(e);
                throw e;
            }
        } finally {
            sb.unlock();
        }
    }
}
