package org.libnetwork4j.controller;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

import org.libnetwork4j.Endpoint;
import org.libnetwork4j.EndpointInfo;
import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.JoinOption;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.NetworkEvent;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.PortMapping;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.SandboxOptions;
import org.libnetwork4j.store.EndpointRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An endpoint of the default controller. Its lock guards which sandbox it is joined to and
 * whether it is deleted; the details of the join (interface, routes) belong to the sandbox
 * and are guarded by the sandbox's lock, which is always taken after this one.
 */
final class EndpointImpl implements Endpoint {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointImpl.class);

    private final Context ctx;
    private final NetworkImpl network;
    private final Sandboxes sandboxes;
    private final String id;
    private final String name;
    private final EndpointOptions options;
    private final IpPrefix ipv4;
    private final IpPrefix ipv6;
    private final MacAddress mac;

    private final ReentrantLock lock = new ReentrantLock();
    private volatile SandboxImpl sandbox;  // written under lock; read without it by peers' hosts refresh
    private volatile Attachment attachment; // likewise: what the join made, for info()
    private volatile Persisted persisted = Persisted.READY; // what the store was last told
    private boolean deleted;               // guarded by lock

    EndpointImpl(Context ctx, NetworkImpl network, Sandboxes sandboxes, String id, String name, EndpointOptions options,
            IpPrefix ipv4, IpPrefix ipv6, MacAddress mac) {
        this.ctx = ctx;
        this.network = network;
        this.sandboxes = sandboxes;
        this.id = id;
        this.name = name;
        this.options = options;
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
        this.mac = mac;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public NetworkImpl network() {
        return network;
    }

    String networkId() {
        return network.id();
    }

    EndpointOptions options() {
        return options;
    }

    IpPrefix ipv4() {
        return ipv4;
    }

    IpPrefix ipv6() {
        return ipv6;
    }

    MacAddress mac() {
        return mac;
    }

    List<String> aliases() {
        return options.aliases();
    }

    /** The sandbox joined to, or null (a racy read, for the hosts files of peers). */
    SandboxImpl joinedSandbox() {
        return sandbox;
    }

    /**
     * What the store was last told of the endpoint's join (written or deferred), so that only
     * changes are written, and a leave knows whether its record must be on disk before it
     * returns.
     *
     * @param joined     the record says joined
     * @param attachment the join it says, if made by this controller (null after a restart)
     * @param ports      the published ports it holds
     * @param unlabelled the kernel cannot tell of that join: its record is the only trace
     */
    record Persisted(boolean joined, Attachment attachment, List<PortMapping> ports, boolean unlabelled) {
        static final Persisted READY = new Persisted(false, null, List.of(), false);
    }

    Persisted persisted() {
        return persisted;
    }

    void persisted(Persisted p) {
        persisted = p;
    }

    /** A join taken up after a restart. */
    void restoreJoined(SandboxImpl sb, Attachment a) {
        lock.lock();
        try {
            this.sandbox = sb;
            this.attachment = a;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void join(Sandbox sb, JoinOption... options) {
        SandboxImpl target = (SandboxImpl) sb;
        if (target.os().isExternal() && !target.os().stillThere()) {
            // its process exited (or its mount went): the sandbox goes now, its addresses with it
            target.delete();
            throw new NotFoundException("join endpoint \"" + name + "\": the namespace " + target.key()
                    + " of the sandbox of container \"" + target.containerId() + "\" is gone; the sandbox is dropped");
        }
        int priority = 0;
        String ifname = null;
        for (JoinOption o : options) {
            if (o instanceof JoinOption.Priority p) {
                priority = p.value();
            } else if (o instanceof JoinOption.InterfaceName n) {
                ifname = n.value();
            }
        }
        try {
            lock.lock();
            try {
                if (deleted) {
                    throw new NotFoundException("endpoint " + name + " is deleted");
                }
                if (sandbox != null) {
                    throw new ForbiddenException("endpoint " + name + " is already joined to the sandbox of container "
                            + sandbox.containerId());
                }
                boolean hostDriver = network.driver().capabilities().joinsHostNamespace();
                if (hostDriver != target.isHostNamespace()) {
                    throw new ForbiddenException(hostDriver
                            ? "an endpoint of the host network joins only a sandbox made with useHostNamespace"
                            : "a sandbox in the host's namespace cannot join a " + network.type() + " network");
                }
                attachment = Join.run(ctx, this, target, priority, ifname);
                sandbox = target;
            } finally {
                lock.unlock();
            }
        } catch (NetworkException e) {
            throw e.withContext("join endpoint \"" + name + "\" of network \"" + network.name()
                    + "\" to the sandbox of container \"" + target.containerId() + "\"");
        }
        LOG.debug("joined {} to {}", this, target);
        try {
            GatewayBridge.attach(this, target, network.registry());
        } catch (RuntimeException e) {
            undoJoin(target, e);
            throw e instanceof NetworkException ne ? ne.withContext("join endpoint \"" + name + "\" of network \""
                    + network.name() + "\": its way out through " + GatewayBridge.NETWORK) : e;
        }
        // last, so that the store's answers come back while the way out was made: what the
        // driver started (an overlay's publication) and the cluster's record of the address
        try {
            attachment.join().finish().run();
            network.addresses().settle(ipv4, ipv6);
        } catch (RuntimeException e) {
            undoJoin(target, e);
            throw e instanceof NetworkException ne ? ne.withContext("join endpoint \"" + name + "\" of network \""
                    + network.name() + "\" to the sandbox of container \"" + target.containerId() + "\"") : e;
        }
        connected(NetworkEvent.CONNECT, target);
        // no lock held: the hosts files of the sandboxes that share the network
        HostsPeers.afterChange(network, target, !aliases().isEmpty());
    }

    /** As libnetwork: a join that cannot be completed (its way out, the store's answer) is left. */
    private void undoJoin(SandboxImpl target, RuntimeException cause) {
        try {
            leave(target);
        } catch (RuntimeException again) {
            cause.addSuppressed(again);
        }
    }

    @Override
    public Sandbox join(String containerId, JoinOption... options) {
        SandboxOptions.Builder b = SandboxOptions.builder()
                .useHostNamespace(network.driver().capabilities().joinsHostNamespace());
        for (JoinOption o : options) {
            if (o instanceof JoinOption.Hostname h) {
                b.hostname(h.value());
            } else if (o instanceof JoinOption.Domainname d) {
                b.domainname(d.value());
            }
        }
        SandboxImpl sb = sandboxes.forContainer(containerId, b.build());
        join(sb, options);
        return sb;
    }

    @Override
    public void leave(Sandbox sb) {
        SandboxImpl from = (SandboxImpl) sb;
        String context = "leave endpoint \"" + name + "\" from the sandbox of container \"" + from.containerId()
                + "\"";
        RuntimeException afterwards;
        try {
            lock.lock();
            try {
                if (sandbox != from) {
                    throw new ForbiddenException("endpoint " + name + " is not joined to the sandbox of container "
                            + from.containerId());
                }
                afterwards = Leave.run(ctx, this, from, false);
                sandbox = null; // left, even if what follows the interface's removal failed
            } finally {
                lock.unlock();
            }
        } catch (NetworkException e) {
            throw e.withContext(context);
        }
        LOG.debug("{} left {}", this, from);
        connected(NetworkEvent.DISCONNECT, from);
        RuntimeException wayOut = afterLeft(from);
        if (wayOut != null) {
            if (afterwards == null) {
                afterwards = wayOut;
            } else {
                afterwards.addSuppressed(wayOut);
            }
        }
        if (afterwards != null) {
            throw afterwards instanceof NetworkException ne ? ne.withContext(context) : afterwards;
        }
    }

    /** Docker's network connect/disconnect event: the network is the actor. */
    private void connected(String action, SandboxImpl sb) {
        ctx.events().publish(NetworkEvent.Type.NETWORK, action, network.id(), Map.of("container", sb.containerId(),
                "endpoint", id, "name", network.name(), "type", network.type()));
    }

    private void destroyed() {
        ctx.events().publish(NetworkEvent.Type.ENDPOINT, NetworkEvent.DESTROY, id, Map.of("name", name,
                "network", network.name()));
    }

    /** What a sandbox's delete does with an endpoint it took along. */
    record Removal(EndpointRecord record, Runnable releaseAddresses, RuntimeException failure) {
    }

    /**
     * The sandbox is being deleted: the endpoint leaves it without kernel work (its namespace
     * takes the interface along) and is deleted. The sandbox forgets the returned record with
     * its own, in one transaction, and releases the addresses only once that succeeded: a
     * record that stays must not find its address given to another. Null if the endpoint is
     * no longer joined to sb (it left meanwhile: it is not the sandbox's to delete).
     */
    Removal removeWithSandbox(SandboxImpl sb) {
        RuntimeException failure = null;
        lock.lock();
        try {
            if (deleted || sandbox != sb) {
                return null;
            }
            Leave.run(ctx, this, sb, true);
            sandbox = null;
            try {
                network.driver().deleteEndpoint(network.id(), id);
            } catch (RuntimeException e) {
                failure = e;
            }
            deleted = true;
        } finally {
            lock.unlock();
        }
        network.removeEndpoint(this);
        connected(NetworkEvent.DISCONNECT, sb);
        destroyed();
        return new Removal(Records.of(this, null, null, List.of()), () -> network.addresses().release(ipv4, ipv6),
                failure);
    }

    /**
     * Leaves (if forced), then the driver's part, the record, and the addresses: the record
     * goes before the addresses are free, so that if it cannot be removed the endpoint stays,
     * whole, and a retry finishes the delete.
     */
    @Override
    public void delete(boolean force) {
        String context = "delete endpoint \"" + name + "\" of network \"" + network.name() + "\"";
        SandboxImpl left = null;
        boolean gone = false;
        Teardown t = new Teardown();
        try {
            lock.lock();
            try {
                if (deleted) {
                    return; // deleting twice succeeds
                }
                if (sandbox != null) {
                    if (!force) {
                        throw new ForbiddenException("endpoint " + name + " is joined to the sandbox of container "
                                + sandbox.containerId() + "; leave it first (or force)");
                    }
                    RuntimeException afterwards = Leave.run(ctx, this, sandbox, false);
                    left = sandbox;
                    sandbox = null;
                    t.step(() -> {
                        if (afterwards != null) {
                            throw afterwards;
                        }
                    });
                }
                t.step(() -> network.driver().deleteEndpoint(network.id(), id));
                ctx.store().delete(Records.of(this, null, null, List.of()));
                network.addresses().release(ipv4, ipv6);
                deleted = true;
                gone = true;
                t.throwIfFailed();
            } finally {
                lock.unlock();
            }
        } catch (NetworkException e) {
            throw e.withContext(context);
        } finally {
            if (left != null) {
                connected(NetworkEvent.DISCONNECT, left);
            }
            if (gone) {
                network.removeEndpoint(this);
                LOG.debug("deleted {}", this);
                destroyed();
            }
            if (left != null) {
                RuntimeException wayOut = afterLeft(left);
                if (wayOut != null) { // the endpoint is gone all the same
                    LOG.warn("endpoint {} deleted, but not its sandbox's way out through {}: {}", name,
                            GatewayBridge.NETWORK, wayOut.getMessage());
                }
            }
        }
    }

    /**
     * After a leave or a forced delete, without the endpoint's lock: the hosts files of the
     * network's other sandboxes, and an overlay endpoint's way out through docker_gwbridge,
     * which goes with it (or another network's way out gives docker_gwbridge's back).
     *
     * @return the way out's failure, or null
     */
    private RuntimeException afterLeft(SandboxImpl from) {
        HostsPeers.afterChange(network, from, !aliases().isEmpty());
        try {
            GatewayBridge.detach(this, from, network.registry());
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    @Override
    public EndpointInfo info() {
        SandboxImpl sb;
        Attachment a;
        lock.lock();
        try {
            sb = sandbox;
            a = attachment;
        } finally {
            lock.unlock();
        }
        InetAddress gw4 = network.internal() ? null : network.addresses().gateway(true);
        InetAddress gw6 = network.internal() ? null : network.addresses().gateway(false);
        return new EndpointInfo(id, name, network.id(), sb == null || a == null ? null : a.ifname(), mac, ipv4, ipv6,
                gw4, gw6, sb == null ? null : sb.id(),
                network.driver().endpointOperInfo(network.id(), id).ports(), options.aliases(),
                a == null ? null : a.dstPrefix());
    }

    @Override
    public String toString() {
        return "endpoint " + name + " (" + id.substring(0, 12) + ") of " + network;
    }
}
