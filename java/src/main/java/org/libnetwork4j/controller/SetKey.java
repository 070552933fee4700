package org.libnetwork4j.controller;

import java.nio.file.Path;
import java.util.List;

import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.JoinOptions;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.store.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sandbox moved into a namespace the caller made (Docker's SetKey, as runc's prestart hook
 * asks it), and the rule for namespaces made outside: no two sandboxes adopt the same one.
 * Runs with no lock held and takes the sandbox's only between the endpoints' leaves and
 * joins; calls only downwards.
 */
final class SetKey {
    private static final Logger LOG = LoggerFactory.getLogger(SetKey.class);

    private SetKey() {
    }

    /**
     * Its endpoints leave (as any leave: the drivers take their interfaces out), the sandbox
     * takes the new namespace, its own is deleted (an adopted one closed), and the endpoints
     * join again there in their order, with their priorities. Every endpoint is tried; the
     * first error is thrown, the others suppressed.
     */
    static void run(Context ctx, Registry<SandboxImpl> registry, SandboxImpl sb, Path path) {
        String context = "set the key of the sandbox of container \"" + sb.containerId() + "\" to " + path;
        try {
            if (sb.os().isHostNamespace()) {
                throw new ForbiddenException("a sandbox in the host's namespace stays there");
            }
            List<Attachment> joined;
            sb.lock();
            try {
                sb.checkPresent();
                // docker_gwbridge's endpoint is not the caller's to move: it goes with the
                // last overlay endpoint's leave and comes back with its join (GatewayBridge)
                joined = sb.attachments().all().stream().filter(a -> !GatewayBridge.isWayOut(a.endpoint(), sb))
                        .toList();
            } finally {
                sb.unlock();
            }
            SandboxOs next = ctx.host().adoptSandbox(path);
            try {
                checkUnadopted(registry, next, path);
            } catch (RuntimeException e) {
                next.close();
                throw e;
            }
            // Endpoint locks come before the sandbox's: its lock is not held while they run.
            for (Attachment a : joined) {
                a.endpoint().leave(sb);
            }
            SandboxOs old = sb.moveTo(next);
            Teardown t = new Teardown();
            t.step(() -> ctx.store().put(sb.record(State.READY)));
            t.step(() -> {
                ctx.names().removeSandbox(sb.id());
                ctx.names().addSandbox(sb.id(), sb.files().upstreams(), sb.files().ndotsSet(), next.netns());
            });
            t.step(old::delete);
            for (Attachment a : joined) {
                t.step(() -> a.endpoint().join(sb, JoinOptions.priority(a.priority())));
            }
            t.throwIfFailed();
            LOG.debug("{} moved to namespace {}", sb, path);
        } catch (NetworkException e) {
            throw e.withContext(context);
        }
    }

    /** Refuses a namespace another sandbox has adopted already. */
    static void checkUnadopted(Registry<SandboxImpl> registry, SandboxOs os, Path path) {
        if (!os.isExternal() || os.identity() == null) {
            return; // ours, or the caller's moves: no namespace of its own to share
        }
        for (SandboxImpl other : registry.all()) {
            if (os.identity().equals(other.os().identity())) {
                throw new AlreadyExistsException("namespace " + path
                        + " is the sandbox of container " + other.containerId() + " already");
            }
        }
    }
}
