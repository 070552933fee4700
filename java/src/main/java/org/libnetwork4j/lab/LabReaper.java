package org.libnetwork4j.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.kernel.Netns;

/**
 * Removes what labs left: a lab's directory under the root is called
 * {@code lnwlab-PID-START-N} (its JVM's pid and start time, in clock ticks since boot, as
 * /proc/PID/stat gives it), and a directory whose JVM is gone (no such pid, or a pid now used by
 * another process) is swept: every mount below it (the namespaces of its hosts, underlay and
 * sandboxes) is detached and the tree deleted. The kernel frees each namespace, with its links
 * and rules, once nothing else holds it.
 */
final class LabReaper {
    private LabReaper() {
    }

    /** This JVM's prefix of lab directory names: lnwlab-PID-START-. */
    static String ownPrefix() {
        long pid = ProcessHandle.current().pid();
        return Lab.PREFIX + pid + "-" + startTime(pid) + "-";
    }

    /** Sweeps the directories of dead JVMs under root; returns those it removed. */
    static List<Path> reapDead(Path root) {
        List<Path> reaped = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return reaped;
        }
        try (var dirs = Files.list(root)) {
            for (Path d : (Iterable<Path>) dirs::iterator) {
                String[] f = d.getFileName().toString().split("-");
                if (f.length != 4 || !(f[0] + "-").equals(Lab.PREFIX)) {
                    continue; // not a lab's: never ours to touch
                }
                long pid;
                try {
                    pid = Long.parseLong(f[1]);
                } catch (NumberFormatException e) {
                    continue;
                }
                if (!f[2].equals(startTime(pid))) {
                    remove(d, new ArrayList<>());
                    reaped.add(d);
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("sweep " + root, e);
        }
        return reaped;
    }

    /**
     * Removes the labs' root directory when no lab is left in it, so that a machine keeps
     * nothing of ours once the last lab is closed. Another JVM making a lab at the same moment
     * loses nothing: it creates the root again with its own directory.
     */
    static void removeRootIfEmpty(Path root) {
        try {
            Files.deleteIfExists(root);
        } catch (java.nio.file.DirectoryNotEmptyException busy) {
            // another lab is open
        } catch (IOException e) {
            // best effort: an empty directory is all that is left
        }
    }

    /** Field 22 of /proc/PID/stat, or "gone". */
    static String startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) may hold spaces and parentheses: count from the last ')'
            String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return rest[19];
        } catch (IOException | RuntimeException e) {
            return "gone";
        }
    }

    /** Detaches every mount below dir (deepest first) and deletes the tree; errors go to errors. */
    static void remove(Path dir, List<Throwable> errors) {
        List<Path> mounts = mountsBelow(dir);
        mounts.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path m : mounts) {
            try {
                Netns.delete(m);
            } catch (NotFoundException gone) {
                // detached already
            } catch (RuntimeException e) {
                errors.add(e);
            }
        }
        try {
            deleteTree(dir);
        } catch (IOException e) {
            errors.add(e);
        }
    }

    /** Mount points below dir, from /proc/self/mountinfo (field 5, octal escapes undone). */
    static List<Path> mountsBelow(Path dir) {
        String prefix = dir.toAbsolutePath().normalize() + "/";
        List<Path> found = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                if (f.length > 4) {
                    String point = unescape(f[4]);
                    if (point.startsWith(prefix)) {
                        found.add(Path.of(point));
                    }
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return found;
    }

    private static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
