package org.libnetwork4j.controller;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.EventSubscription;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkEvent;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.RecoveryReport;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.SandboxOptions;
import org.libnetwork4j.firewall.Firewall;
import org.libnetwork4j.ipam.DefaultIpam;
import org.libnetwork4j.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link NetworkController}: its networks and sandboxes, and the services they
 * share ({@link Context}). It makes networks and sandboxes and hands them out; everything
 * after that (endpoints, joins, deletes) runs in those objects and calls down, never back here.
 * {@link Wiring#open} builds one on the kernel; tests build one on fakes.
 *
 * <p><b>Locks.</b> Each object has one lock, always taken in this order and never the other
 * way round: network, then endpoint, then sandbox. The registries of networks, endpoints and
 * sandboxes have locks of their own, held only inside them. A name is unique because it is
 * reserved in its registry while the object is made, with no lock held for the kernel work,
 * so that making one object does not stall the others. Kernel work for a join or leave runs
 * under the endpoint's and the sandbox's locks only.
 *
 * <p>Networks are made by {@link Networks}, sandboxes by {@link Sandboxes}; what this host
 * follows of a cluster store is {@link ClusterWatch}'s.
 */
public final class DefaultController implements NetworkController {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultController.class);

    private final Context ctx;
    private final Teardown.Step resources;
    private final Networks networks;
    private final Sandboxes sandboxes;
    private final RecoveryReport recovery;
    private final ClusterWatch cluster;
    private volatile boolean closed;

    /**
     * A controller on these services: reconciles what the store holds with the kernel before
     * anything else can happen ({@link Recovery}). resources are closed last on close (the
     * store, then the state directory's lock).
     */
    DefaultController(Context ctx, Teardown.Step resources) {
        this.ctx = ctx;
        this.resources = resources;
        this.sandboxes = new Sandboxes(ctx);
        this.networks = new Networks(ctx, sandboxes);
        // The resolver's listeners open held as each network is taken up, and start reading
        // once every name is back: this host's joins (recovery), and the other hosts' on the
        // cluster's networks (the names' first snapshot). A query sent meanwhile waits in its
        // socket and is answered then; read before, it would get "no such name" for a
        // container that exists, an answer the client keeps. One sent before its listener
        // opens is left to the client's retry: the firewall keeps the kernel from refusing it.
        ctx.names().hold();
        try {
            this.recovery = new Recovery(ctx, networks.registry, sandboxes).run(ctx.store().store().load());
            if (!recovery.clean()) {
                LOG.info("recovery: {}", recovery);
            }
            if (ctx.shared() != Shared.NONE) {
                GatewayBridge.ensure(networks);
            }
            this.cluster = new ClusterWatch(ctx, networks);
        } catch (RuntimeException e) {
            sandboxes.registry.all().forEach(SandboxImpl::close); // no controller to close them
            throw e;
        } finally {
            ctx.names().release();
        }
    }

    /**
     * Opens a controller on the kernel, per config (see {@link Wiring}).
     *
     * @param config where its state and run directories are, and how it behaves
     * @return the controller, its recovery done ({@link #recoveryReport}); close it
     * @throws org.libnetwork4j.ForbiddenException if another controller holds the state
     *         directory past the config's lock wait
     * @throws org.libnetwork4j.NetworkException if the store, the host namespace or the
     *         firewall cannot be opened; nothing opened is left open
     */
    public static DefaultController open(ControllerConfig config) {
        return Wiring.open(config);
    }

    @Override
    public RecoveryReport recoveryReport() {
        return recovery;
    }

    Context context() {
        return ctx;
    }

    @Override
    public void reloadFirewall() {
        checkOpen();
        ctx.host().reloadFirewall();
    }

    private void checkOpen() {
        if (closed) {
            throw new ForbiddenException("the network controller is closed");
        }
    }

    @Override
    public void configureNetworkDriver(String type, Map<String, String> options) {
        checkOpen();
        ctx.drivers().get(type).configure(Map.copyOf(options));
    }

    // ---- networks ----

    @Override
    public Network newNetwork(String type, String name, NetworkOptions options) {
        checkOpen();
        return networks.create(type, name, options);
    }

    @Override
    public List<Network> networks() {
        return List.copyOf(networks.registry.all());
    }

    @Override
    public Network networkByName(String name) {
        return networks.byName(name);
    }

    @Override
    public Network networkById(String id) {
        return networks.registry.byIdOrPrefix(id);
    }

    @Override
    public void walkNetworks(Predicate<Network> walker) {
        for (Network n : networks()) {
            if (walker.test(n)) {
                return;
            }
        }
    }

    // ---- sandboxes ----

    @Override
    public Sandbox newSandbox(String containerId, SandboxOptions options) {
        checkOpen();
        return sandboxes.create(containerId, options);
    }

    @Override
    public List<Sandbox> sandboxes() {
        return List.copyOf(sandboxes.registry.all());
    }

    @Override
    public Sandbox sandboxById(String id) {
        return sandboxes.registry.byIdOrPrefix(id);
    }

    @Override
    public Sandbox sandboxByContainerId(String containerId) {
        return sandboxes.byContainer(containerId);
    }

    /**
     * Leaves networks, endpoints and sandboxes in the kernel as they are; writes what the
     * store was still to be told, marks it clean if all of that went well, releases the
     * handles, and the state directory last.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        cluster.stop();
        Teardown t = new Teardown();
        // first: its forwards borrow the sandboxes' namespaces, closed next
        t.step(ctx.names()::close);
        t.step(ctx.events()::close);
        t.step(ctx.store()::close);
        for (SandboxImpl s : sandboxes.registry.all()) {
            t.step(s::close);
        }
        cluster.close(t);
        t.step(ctx.shared()::close); // before the host: the overlay driver's handles are the host's
        t.step(ctx.host()::close);
        // Everything done is stored and nothing is pending in the kernel: the next controller
        // may take the records as they are (Recovery), without reading every join's label.
        if (t.first() == null) {
            t.step(ctx.store().store()::markClean);
        }
        t.step(resources); // last: the next controller may start as soon as the directory is free
        t.throwIfFailed();
    }

    @Override
    public EventSubscription subscribe(java.util.function.Consumer<NetworkEvent> listener, int capacity) {
        checkOpen();
        return ctx.events().subscribe(listener, capacity);
    }

    // ---- for tests in this package ----

    DefaultIpam ipam() {
        return (DefaultIpam) ctx.ipam();
    }

    /** The host namespace's netlink handles, for fault injection. */
    HostNamespace host() {
        return ((KernelHost) ctx.host()).namespace;
    }

    Firewall firewall() {
        return ((KernelHost) ctx.host()).firewall;
    }

    Path sandboxFiles() {
        return ctx.paths().sandboxFiles();
    }

    /** The store behind the controller's deferred writes (for tests). */
    Store store() {
        return ctx.store().store();
    }

    /** Writes the store's deferred records now (for tests). */
    void flushStore() {
        ctx.store().flush();
    }
}
