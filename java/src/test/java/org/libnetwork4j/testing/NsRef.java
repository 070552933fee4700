package org.libnetwork4j.testing;

import java.nio.file.Path;

/** A namespace the oracle can look into: anything with a bind-mounted namespace file. */
public interface NsRef {
    Path path();

    static NsRef of(Path path) {
        return () -> path;
    }

    /** A sandbox's namespace, through its key. */
    static NsRef of(org.libnetwork4j.Sandbox sandbox) {
        return of(Path.of(sandbox.key()));
    }
}
