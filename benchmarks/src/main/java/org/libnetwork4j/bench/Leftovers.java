package org.libnetwork4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.libnetwork4j.kernel.Netns;

/**
 * What a benchmark's cleanup removes after it, also after a failure: the namespaces mounted
 * under its directory (read from the mount table, deepest first), then the directory. What
 * cannot be removed is said in troubles, not thrown: the cleanup goes on.
 */
final class Leftovers {
    private Leftovers() {
    }

    /** The mount points under dir, from /proc/self/mountinfo (field 5), deepest first. */
    static List<Path> mounts(Path dir) throws IOException {
        List<Path> l = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            // octal escapes (\040 for a space) do not occur in the names made here
            Path p = Path.of(line.split(" ")[4]);
            if (p.startsWith(dir) && !p.equals(dir)) {
                l.add(p);
            }
        }
        l.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        return l;
    }

    /** Unmounts (and deletes) every namespace under dir that keep does not hold back. */
    static void unmountUnder(Path dir, Predicate<Path> keep, List<String> troubles) {
        try {
            for (Path m : mounts(dir)) {
                if (keep.test(m)) {
                    continue;
                }
                try {
                    Netns.delete(m);
                } catch (RuntimeException e) {
                    troubles.add("unmount " + m + ": " + e.getMessage());
                }
            }
        } catch (IOException e) {
            troubles.add("read the mounts: " + e);
        }
    }

    /** Deletes root and everything in it. */
    static void deleteTree(Path root, List<String> troubles) {
        try (Stream<Path> w = Files.walk(root)) {
            for (Path p : w.sorted(Comparator.reverseOrder()).toList()) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    troubles.add("delete " + p + ": " + e);
                }
            }
        } catch (IOException e) {
            troubles.add("walk " + root + ": " + e);
        }
    }
}
