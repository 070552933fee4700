package org.libnetwork4j.store;

import java.util.List;

import org.libnetwork4j.SandboxOptions;

/**
 * A sandbox as stored.
 *
 * @param id              its id
 * @param containerId     the container it is for, unique among sandboxes
 * @param state           {@link State#READY}; a record of an older version may say
 *                        {@link State#CREATING} or {@link State#DELETING}
 * @param options         what it was created with
 * @param key             the path of its network namespace (bind-mounted under the run
 *                        directory, the host's for a host-namespace sandbox, or someone else's
 *                        for an adopted one)
 * @param adoptedIdentity for an adopted namespace, which one it was ("DEVICE:INODE"): a path
 *                        such as /proc/PID/ns/net may name another after a restart; null for
 *                        the controller's own
 */
public record SandboxRecord(String id, String containerId, State state, SandboxOptions options, String key,
        String adoptedIdentity)
        implements StoredObject {

    /**
     * This record in another state.
     *
     * @param s the new state
     * @return the new record
     */
    public SandboxRecord with(State s) {
        return new SandboxRecord(id, containerId, s, options, key, adoptedIdentity);
    }

    @Override
    public Kind kind() {
        return Kind.SANDBOX;
    }

    @Override
    public String parent() {
        return null;
    }

    @Override
    public List<String> addresses() {
        return List.of();
    }
}
