package org.libnetwork4j.controller;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

import org.libnetwork4j.Endpoint;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.NetworkEvent;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.ResolvConf;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.SandboxOptions;
import org.libnetwork4j.driver.SandboxContext;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.store.SandboxRecord;
import org.libnetwork4j.store.State;
import org.libnetwork4j.store.StoredObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sandbox of the default controller: its lifecycle. Its parts do the rest: the OS layer
 * ({@link SandboxOs}: namespace, interfaces, routes), the joined endpoints and the gateway
 * election ({@link Attachments}), the hosts and resolv.conf files ({@link SandboxFiles}), the
 * names of its interfaces ({@link InterfaceNames}). Its lock guards all of them; it is the
 * last lock in the controller's order. A move to another namespace is {@link SetKey}'s.
 */
final class SandboxImpl implements Sandbox, SandboxContext {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxImpl.class);

    private final Context ctx;
    private final Registry<SandboxImpl> registry;
    private final String id;
    private final String containerId;
    private final SandboxOptions options;
    private volatile SandboxOs os;                                // replaced by setKey, under lock
    private final SandboxFiles files;

    private final ReentrantLock lock = new ReentrantLock();
    private Attachments attachments;                              // guarded by lock
    private final InterfaceNames interfaceNames = new InterfaceNames(); // guarded by lock
    private boolean deleting;                                     // guarded by lock
    private boolean deleted;                                      // guarded by lock

    private SandboxImpl(Context ctx, Registry<SandboxImpl> registry, String id, String containerId,
            SandboxOptions options, SandboxOs os, SandboxFiles files) {
        this.ctx = ctx;
        this.registry = registry;
        this.id = id;
        this.containerId = containerId;
        this.options = options;
        this.os = os;
        this.files = files;
        this.attachments = new Attachments(os);
    }

    /**
     * Namespace (unless the host's), loopback up, files, then the record: stored once, made.
     * A crash before the record leaves a namespace and files that recovery removes as
     * orphans. Undone if a step fails.
     */
    static SandboxImpl create(Context ctx, Registry<SandboxImpl> registry, String id, String containerId,
            SandboxOptions o) {
        Path filesDir = ctx.paths().filesOf(id);
        Teardown undo = new Teardown();
        try {
            SandboxOs os = o.callerMovesInterfaces() ? ctx.host().callerMovesSandbox()
                    : o.netns() != null ? ctx.host().adoptSandbox(o.netns())
                    : ctx.host().createSandbox(id, o.useHostNamespace());
            undo.push(os::delete);
            SetKey.checkUnadopted(registry, os, o.netns());
            undo.push(() -> SandboxFiles.deleteTree(filesDir));
            SandboxFiles files = SandboxFiles.create(filesDir, o, ctx.paths().hostResolvConf());
            SandboxImpl sb = new SandboxImpl(ctx, registry, id, containerId, o, os, files);
            ctx.store().put(sb.record(State.READY));
            ctx.names().addSandbox(id, files.upstreams(), files.ndotsSet(), os.netns());
            return sb;
        } catch (RuntimeException e) {
            undo.runReversed(e);
            throw e;
        }
    }

    /**
     * A sandbox recorded before a restart, its namespace reopened by path.
     *
     * @throws NetworkException if the namespace is gone (a reboot, or someone deleted it)
     */
    static SandboxImpl restore(Context ctx, Registry<SandboxImpl> registry, SandboxRecord r, SandboxOs os,
            ResolvConf host) {
        return new SandboxImpl(ctx, registry, r.id(), r.containerId(), r.options(), os,
                SandboxFiles.open(ctx.paths().filesOf(r.id()), r.options(), host));
    }

    /**
     * After a restart: the hosts file as the attachments taken up say, if it differs (or as
     * written, after a clean close).
     */
    void restoreHosts(boolean asWritten) {
        lock.lock();
        try {
            files.restoreHosts(attachments.ownAddresses(), asWritten);
        } finally {
            lock.unlock();
        }
    }

    /**
     * After a restart: the resolver learns the sandbox and its joins as they were taken up,
     * and resolv.conf names it again if a restart without one had given the host's servers
     * back. Left as it is when no network of the sandbox has a resolver now: a controller
     * without one (opened for a single command) does not undo what a running one wrote. Not
     * read back at all when Recovery knows it is as written.
     */
    void restoreNames(boolean resolvConfAsWritten) {
        lock.lock();
        try {
            ctx.names().addSandbox(id, files.upstreams(), files.ndotsSet(), os.netns());
            for (Attachment a : attachments.all()) {
                EndpointImpl ep = a.endpoint();
                ctx.names().join(a.networkId(), ep.id(), id, Join.dnsNames(this, ep), Join.address(ep.ipv4()),
                        Join.address(ep.ipv6()));
                if (ep.network().isGlobal()) { // under this controller's new lease
                    ctx.shared().publishNames(new Shared.RemoteName(a.networkId(), ep.id(),
                            Join.dnsNames(this, ep), Join.address(ep.ipv4()), Join.address(ep.ipv6())));
                }
            }
            List<InetAddress> resolvers = attachments.resolvers();
            if (!resolvers.isEmpty()) {
                files.restoreResolvConf(resolvers, resolvConfAsWritten, attachments.ownAddresses());
            }
        } finally {
            lock.unlock();
        }
    }

    SandboxRecord record(State state) {
        return new SandboxRecord(id, containerId, state, options, os.key().toString(),
                os.identity());
    }

    // ---- for the operations (Join, Leave, SetKey, Recovery), which hold the lock ----

    void lock() {
        lock.lock();
    }

    void unlock() {
        lock.unlock();
    }

    SandboxOs os() {
        return os;
    }

    Attachments attachments() {
        return attachments;
    }

    SandboxFiles files() {
        return files;
    }

    /** @throws ForbiddenException if the sandbox is deleted or being deleted */
    void checkJoinable() {
        if (deleted || deleting) {
            throw new ForbiddenException("the sandbox of container " + containerId + " is "
                    + (deleted ? "deleted" : "being deleted"));
        }
    }

    /** The networks of its endpoints (for the hosts file's peer lines). */
    List<NetworkImpl> networks() {
        lock.lock();
        try {
            LinkedHashSet<NetworkImpl> l = new LinkedHashSet<>();
            attachments.all().forEach(a -> l.add(a.endpoint().network()));
            return List.copyOf(l);
        } finally {
            lock.unlock();
        }
    }

    /** New alias lines of its peers; the hosts file is rewritten if they changed. */
    void setPeerLines(List<String> lines) {
        lock.lock();
        try {
            if (!deleted && !deleting) {
                files.setPeers(lines, attachments.ownAddresses());
            }
        } finally {
            lock.unlock();
        }
    }

    /** After a restart: the counter of interface names goes on after the highest in use. */
    void restoreInterfaceIndex(String prefix, String name) {
        interfaceNames.restore(prefix, name);
    }

    /** @throws NotFoundException if the sandbox is deleted or being deleted (a set-key's check) */
    void checkPresent() {
        if (deleting || deleted) {
            throw new NotFoundException("the sandbox is being deleted");
        }
    }

    /** Takes the namespace next in place of its own, which it returns (a set-key); takes the lock. */
    SandboxOs moveTo(SandboxOs next) {
        lock.lock();
        try {
            SandboxOs old = os;
            os = next;
            attachments = new Attachments(next);
            interfaceNames.reset(); // eth0 again, in the new namespace
            return old;
        } finally {
            lock.unlock();
        }
    }

    // ---- the API ----

    @Override
    public String id() {
        return id;
    }

    @Override
    public String containerId() {
        return containerId;
    }

    /** The name the join in progress asked for its interface (JoinOption.InterfaceName), or null. */
    void askInterfaceName(String name) {
        interfaceNames.ask(name); // Join holds the sandbox's lock
    }

    /** Moves the sandbox into the namespace at path ({@link SetKey}). */
    @Override
    public void setKey(Path path) {
        SetKey.run(ctx, registry, this, path);
    }

    @Override
    public String key() {
        return os.key().toString();
    }

    boolean isHostNamespace() {
        return os.isHostNamespace();
    }

    @Override
    public Netns netns() {
        return os.netns();
    }

    @Override
    public Netlink netlink() {
        return os.netlink();
    }

    @Override
    public String nextInterfaceName(String prefix) {
        lock.lock();
        try {
            return interfaceNames.next(prefix, os.callerMovesInterfaces());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String hostname() {
        return options.hostname();
    }

    @Override
    public String domainname() {
        return options.domainname();
    }

    @Override
    public Path hostsPath() {
        return files.hosts();
    }

    @Override
    public Path resolvConfPath() {
        return files.resolvConf();
    }

    @Override
    public List<Endpoint> endpoints() {
        lock.lock();
        try {
            return attachments.all().stream().map(a -> (Endpoint) a.endpoint()).toList();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<Endpoint> gatewayEndpoint() {
        lock.lock();
        try {
            return Optional.ofNullable(attachments.gateway()).map(Attachment::endpoint);
        } finally {
            lock.unlock();
        }
    }

    /** Deleted, or (not done) open to joins again. */
    private void endDelete(boolean done) {
        lock.lock();
        try {
            if (done) {
                deleted = true;
            } else {
                deleting = false;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Its endpoints leave (bookkeeping only) and are deleted; the namespace is unmounted (the
     * kernel takes the interfaces along); the files go; the records go, in one transaction. A
     * crash on the way leaves a sandbox that recovery either takes up (namespace still there)
     * or drops with its endpoints (namespace gone). An adopted namespace stays, and its
     * interfaces are taken out one by one: if one cannot be, the sandbox stays too, with that
     * endpoint joined, and the delete throws; calling it again finishes it.
     */
    @Override
    public void delete() {
        List<EndpointImpl> joined;
        lock.lock();
        try {
            if (deleted) {
                return; // deleting twice succeeds
            }
            deleting = true; // no joins from here on
            joined = attachments.all().stream().map(Attachment::endpoint).toList();
        } finally {
            lock.unlock();
        }
        // Endpoint locks come before the sandbox's: this one is released while they run.
        Teardown t = new Teardown();
        List<EndpointImpl.Removal> removed = new ArrayList<>();
        for (EndpointImpl ep : joined) {
            t.step(() -> {
                EndpointImpl.Removal r = ep.removeWithSandbox(this);
                if (r != null) {
                    removed.add(r);
                    if (r.failure() != null) {
                        throw r.failure();
                    }
                }
            });
        }
        List<StoredObject> gone = new ArrayList<>();
        removed.forEach(r -> gone.add(r.record()));
        Teardown.Step forget = () -> {
            ctx.store().delete(gone.toArray(StoredObject[]::new));
            // only now: while their records stay, their addresses must not go to others
            removed.forEach(r -> r.releaseAddresses().run());
        };
        if (os.isExternal() && t.first() != null) {
            // A runtime's namespace keeps an interface whose leave failed, and its endpoint
            // stays joined: so does the sandbox, whole, for a retry (a CNI DEL's, say); only
            // the endpoints that did go are forgotten.
            t.step(forget);
            endDelete(false);
            RuntimeException failed = t.first();
            throw failed instanceof NetworkException ne
                    ? ne.withContext("delete the sandbox of container \"" + containerId + "\"") : failed;
        }
        t.step(os::delete);
        t.step(files::delete);
        gone.add(record(State.READY));
        t.step(forget);
        endDelete(true);
        registry.remove(this);
        ctx.names().removeSandbox(id);
        // its endpoints' aliases leave the hosts files of the sandboxes it shared networks with
        for (EndpointImpl ep : joined) {
            if (!ep.aliases().isEmpty()) {
                t.step(() -> HostsPeers.refreshAll(ep.network()));
            }
        }
        // gone from the registry, whatever failed on the way: its destroy is told all the same
        ctx.events().publish(NetworkEvent.Type.SANDBOX, NetworkEvent.DESTROY, id,
                Map.of("container", containerId));
        try {
            t.throwIfFailed();
        } catch (NetworkException e) {
            throw e.withContext("delete the sandbox of container \"" + containerId + "\"");
        }
        LOG.debug("deleted {}", this);
    }

    /** Releases the namespace's handles; the namespace stays (a controller's close). */
    void close() {
        os.close();
    }

    @Override
    public String toString() {
        return "sandbox " + id.substring(0, 12) + " of container " + containerId;
    }
}
