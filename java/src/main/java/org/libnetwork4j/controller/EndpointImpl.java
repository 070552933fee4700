package org.libnetwork4j.controller;

import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import org.libnetwork4j.Endpoint;
import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.EndpointInfo;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.JoinOption;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.SandboxOptions;
import org.libnetwork4j.PortMapping;
import org.libnetwork4j.driver.JoinRequest;
import org.libnetwork4j.store.EndpointRecord;
import org.libnetwork4j.store.State;

/**
 * An endpoint of the default controller. Its lock guards which sandbox it is joined to and
 * whether it is deleted; the details of the join (interface, routes) belong to the sandbox
 * and are guarded by the sandbox's lock, which is always taken after this one.
 */
final class EndpointImpl implements Endpoint {
    private final NetworkImpl network;
    private final String id;
    private final String name;
    private final EndpointOptions options;
    private final IpPrefix ipv4;
    private final IpPrefix ipv6;
    private final MacAddress mac;
    private final InetAddress gatewayV4;
    private final InetAddress gatewayV6;

    private final ReentrantLock lock = new ReentrantLock();
    private volatile SandboxImpl sandbox; // written under lock; read without it by peers' hosts refresh
    private volatile String ifname;     // set while joined, for info()
    private boolean deleted;            // guarded by lock

    EndpointImpl(NetworkImpl network, String id, String name, EndpointOptions options, IpPrefix ipv4,
            IpPrefix ipv6, MacAddress mac) {
        this.network = network;
        this.id = id;
        this.name = name;
        this.options = options;
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
        this.mac = mac;
        var v4 = network.allocation(true);
        var v6 = network.allocation(false);
        this.gatewayV4 = v4 == null || network.internal() ? null : v4.gateway();
        this.gatewayV6 = v6 == null || network.internal() ? null : v6.gateway();
    }

    /** The endpoint as the store keeps it, joined to sb (or not, with null). */
    EndpointRecord record(State state, SandboxImpl sb, String interfaceName, int priority, List<PortMapping> ports) {
        return new EndpointRecord(id, network.id(), name, state, options, ipv4, ipv6, mac,
                sb == null ? null : sb.id(), interfaceName, priority, ports);
    }

    /** The sandbox joined to, or null (a racy read, for the hosts files of peers). */
    SandboxImpl joinedSandbox() {
        return sandbox;
    }

    List<String> aliases() {
        return options.aliases();
    }

    /** A join taken up after a restart. */
    void restoreJoined(SandboxImpl sb, String interfaceName) {
        lock.lock();
        try {
            this.sandbox = sb;
            this.ifname = interfaceName;
        } finally {
            lock.unlock();
        }
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
    public Network network() {
        return network;
    }

    NetworkImpl networkImpl() {
        return network;
    }

    IpPrefix ipv4() {
        return ipv4;
    }

    IpPrefix ipv6() {
        return ipv6;
    }

    @Override
    public void join(Sandbox sb, JoinOption... options) {
        SandboxImpl target = (SandboxImpl) sb;
        int priority = 0;
        for (JoinOption o : options) {
            if (o instanceof JoinOption.Priority p) {
                priority = p.value();
            }
        }
        String context = "join endpoint \"" + name + "\" of network \"" + network.name()
                + "\" to the sandbox of container \"" + target.containerId() + "\"";
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
                boolean hostDriver = network.driver().joinsHostNamespace();
                if (hostDriver != target.isHostNamespace()) {
                    throw new ForbiddenException(hostDriver
                            ? "an endpoint of the host network joins only a sandbox made with useHostNamespace"
                            : "a sandbox in the host's namespace cannot join a " + network.type() + " network");
                }
                target.join(this, priority, () -> network.driver().join(
                        new JoinRequest(network.id(), id, target, network.interfacePrefix())));
                sandbox = target;
            } finally {
                lock.unlock();
            }
        } catch (NetworkException e) {
            throw e.withContext(context);
        }
        // no lock held: the hosts files of the sandboxes that share the network
        network.controller().refreshHosts(network, target, !aliases().isEmpty());
    }

    @Override
    public Sandbox join(String containerId, JoinOption... options) {
        SandboxOptions.Builder b = SandboxOptions.builder()
                .useHostNamespace(network.driver().joinsHostNamespace());
        for (JoinOption o : options) {
            if (o instanceof JoinOption.Hostname h) {
                b.hostname(h.value());
            } else if (o instanceof JoinOption.Domainname d) {
                b.domainname(d.value());
            }
        }
        SandboxImpl sb = network.controller().sandboxFor(containerId, b.build());
        join(sb, options);
        return sb;
    }

    /** Called by the sandbox with its lock held, once the join is in place. */
    void joined(String interfaceName) {
        this.ifname = interfaceName;
    }

    @Override
    public void leave(Sandbox sb) {
        String context = "leave endpoint \"" + name + "\" from the sandbox of container \""
                + ((SandboxImpl) sb).containerId() + "\"";
        try {
            lock.lock();
            try {
                if (sandbox != sb) {
                    throw new ForbiddenException("endpoint " + name + " is not joined to the sandbox of container "
                            + ((SandboxImpl) sb).containerId());
                }
                sandbox.leave(this, false);
                sandbox = null;
                ifname = null;
            } finally {
                lock.unlock();
            }
        } catch (NetworkException e) {
            throw e.withContext(context);
        }
        network.controller().refreshHosts(network, (SandboxImpl) sb, !aliases().isEmpty());
    }

    /**
     * The sandbox is being deleted: leave it without kernel work (its namespace takes the
     * interface along) and delete the endpoint.
     */
    /**
     * Returns the record to forget: the sandbox forgets it with its own, in one transaction
     * (its DELETING record makes the next start finish the job if it is lost).
     */
    EndpointRecord removeWithSandbox(SandboxImpl sb) {
        lock.lock();
        try {
            if (sandbox == sb) {
                sb.leave(this, true);
                sandbox = null;
                ifname = null;
            }
        } finally {
            lock.unlock();
        }
        delete(false, false);
        return record(State.READY, null, null, 0, List.of());
    }

    @Override
    public void delete(boolean force) {
        delete(force, true);
    }

    private void delete(boolean force, boolean forget) {
        String context = "delete endpoint \"" + name + "\" of network \"" + network.name() + "\"";
        SandboxImpl left = null;
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
                    sandbox.leave(this, false);
                    left = sandbox;
                    sandbox = null;
                    ifname = null;
                }
                Teardown t = new Teardown();
                t.step(() -> network.driver().deleteEndpoint(network.id(), id));
                // IPAM release always runs, whatever the driver said
                t.step(() -> network.releaseAddresses(ipv4, ipv6));
                if (forget) {
                    t.step(() -> network.controller().forget(record(State.READY, null, null, 0, List.of())));
                }
                deleted = true;
                t.throwIfFailed();
            } finally {
                lock.unlock();
            }
        } catch (NetworkException e) {
            throw e.withContext(context);
        } finally {
            if (isDeleted()) {
                network.removeEndpoint(this);
            }
            if (left != null) {
                network.controller().refreshHosts(network, left, !aliases().isEmpty());
            }
        }
    }

    private boolean isDeleted() {
        lock.lock();
        try {
            return deleted;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public EndpointInfo info() {
        SandboxImpl sb;
        lock.lock();
        try {
            sb = sandbox;
        } finally {
            lock.unlock();
        }
        return new EndpointInfo(id, name, network.id(), ifname, mac, ipv4, ipv6, gatewayV4, gatewayV6,
                sb == null ? null : sb.id(), network.driver().publishedPorts(network.id(), id), options.aliases());
    }

    @Override
    public String toString() {
        return "endpoint " + name + " (" + id.substring(0, 12) + ") of " + network;
    }
}
