package org.libnetwork4j.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/** The cgroup directories a test's containers were put under (dockerd's --cgroup-parent). */
public final class Cgroups {
    private Cgroups() {
    }

    /**
     * Removes the parent directory named for a test, and everything under it, in each
     * hierarchy (none if no container ran there).
     *
     * @param parent the name given to the runtime, e.g. {@code lnwt-docker-PID}; null for none
     * @throws IOException if the hierarchies cannot be listed
     */
    public static void removeParent(String parent) throws IOException {
        if (parent == null) {
            return;
        }
        try (var hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : hierarchies.toList()) {
                Path dir = h.resolve(parent);
                if (!Files.isDirectory(dir)) {
                    continue;
                }
                try (var walk = Files.walk(dir)) {
                    for (Path d : walk.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).toList()) {
                        Oracle.run(List.of("rmdir", d.toString())); // cgroupfs takes rmdir only
                    }
                }
            }
        }
    }
}
