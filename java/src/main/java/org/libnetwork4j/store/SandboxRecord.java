package org.libnetwork4j.store;

import java.util.List;

import org.libnetwork4j.SandboxOptions;

/**
 * A sandbox as stored.
 *
 * @param key the path of its network namespace (bind-mounted under the run directory, or the
 *            host's for a host-namespace sandbox)
 */
public record SandboxRecord(String id, String containerId, State state, SandboxOptions options, String key)
        implements StoredObject {

    public SandboxRecord with(State s) {
        return new SandboxRecord(id, containerId, s, options, key);
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
