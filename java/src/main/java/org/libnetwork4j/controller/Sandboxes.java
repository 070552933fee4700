package org.libnetwork4j.controller;

import java.util.Map;

import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.NetworkEvent;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.SandboxOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A controller's sandboxes, one per container: made, found, and made on demand for a join. */
final class Sandboxes {
    private static final Logger LOG = LoggerFactory.getLogger(Sandboxes.class);

    private final Context ctx;
    final Registry<SandboxImpl> registry = new Registry<>("sandbox", SandboxImpl::id, SandboxImpl::containerId,
            c -> "container " + c + " already has a sandbox");

    Sandboxes(Context ctx) {
        this.ctx = ctx;
    }

    SandboxImpl create(String containerId, SandboxOptions options) {
        if (containerId == null || containerId.isEmpty()) {
            throw new InvalidParameterException("create sandbox: empty container id");
        }
        try {
            SandboxImpl sb = registry.create(containerId, all -> { },
                    () -> SandboxImpl.create(ctx, registry, Ids.newId(), containerId, options));
            LOG.debug("created {}", sb);
            ctx.events().publish(NetworkEvent.Type.SANDBOX, NetworkEvent.CREATE, sb.id(),
                    Map.of("container", containerId));
            return sb;
        } catch (NetworkException e) {
            throw e.withContext("create sandbox for container \"" + containerId + "\"");
        }
    }

    SandboxImpl byContainer(String containerId) {
        return registry.byKey(containerId, () -> "sandbox for container " + containerId + " not found");
    }

    /** The container's sandbox, created with options if it has none (join by container id). */
    SandboxImpl forContainer(String containerId, SandboxOptions options) {
        // Bounded: a concurrent creator either finishes (we find its sandbox) or fails (we
        // create ours); a third round means the container keeps being created and deleted.
        for (int round = 0; round < 3; round++) {
            try {
                return byContainer(containerId);
            } catch (NotFoundException none) {
                try {
                    return create(containerId, options);
                } catch (AlreadyExistsException raced) {
                    Thread.onSpinWait();
                }
            }
        }
        throw new ForbiddenException("the sandbox of container " + containerId
                + " is being created and deleted concurrently");
    }
}
