package org.libnetwork4j.bench;

import java.nio.file.Path;

/** Settings shared by the benchmarks. */
final class Bench {
    private Bench() {
    }

    /**
     * Where benchmarks put their namespaces and sandbox files: {@code -Dlnw.bench.runRoot},
     * default /run. run-attach.sh passes a tmpfs directory, because /run is tmpfs on a
     * standard host, and on a disk file system file creation and deletion would be measured
     * instead of networking.
     */
    static Path runRoot() {
        return Path.of(System.getProperty("lnw.bench.runRoot", "/run"));
    }
}
