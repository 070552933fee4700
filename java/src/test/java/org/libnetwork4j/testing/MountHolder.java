package org.libnetwork4j.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A mount namespace of the test's own, in the fake host's network namespace, held by a
 * sleep: tmpfs over /run (the test's directory, under /run, moved back in on top), /dev/shm
 * and /var/tmp. Closing kills every process in it (podman's conmons, if a test failed
 * before removing its containers), then the sleep; its mounts go with it.
 */
public final class MountHolder implements AutoCloseable {
    private final Process sleep;
    private final Path mnt;
    private String identity; // of the mount namespace, once the sleep is in it

    private MountHolder(Process sleep) {
        this.sleep = sleep;
        this.mnt = Path.of("/proc", Long.toString(sleep.pid()), "ns", "mnt");
    }

    /**
     * Starts it.
     *
     * @param ns        the test's namespaces: their fake host's network, their directory
     * @param moreTmpfs more directories (existing ones) to cover with a tmpfs of their own,
     *                  for programs that write outside their roots (dockerd's /etc/docker)
     * @return the holder, ready
     * @throws Exception if it does not start within 5 s
     */
    public static MountHolder start(Namespaces ns, String... moreTmpfs) throws Exception {
        Path dir = ns.dir();
        Path ready = dir.resolve("holder.ready");
        String script = String.join(" && ", "set -e",
                "mount --rbind " + dir + " /mnt", // kept across the tmpfs on /run
                "mount -t tmpfs lnwt-run /run", "mkdir -p " + dir + " /run/netns",
                "mount --move /mnt " + dir,
                "mount -t tmpfs lnwt-shm /dev/shm", "mount -t tmpfs lnwt-vartmp /var/tmp",
                more(moreTmpfs), "touch " + ready, "exec sleep 600");
        Process p = new ProcessBuilder("nsenter", "--net=" + ns.host().path(), "unshare", "--mount",
                "--propagation", "private", "sh", "-c", script).redirectErrorStream(true)
                .redirectOutput(dir.resolve("holder.log").toFile()).start();
        MountHolder h = new MountHolder(p);
        for (int i = 0; i < 250 && p.isAlive() && !Files.exists(ready); i++) { // bounded: 5 s
            Thread.sleep(20);
        }
        if (!p.isAlive() || !Files.exists(ready)) {
            h.close();
            throw new AssertionError("the mount namespace holder: " + Files.readString(dir.resolve("holder.log")));
        }
        h.identity = Files.readSymbolicLink(h.mnt).toString();
        return h;
    }

    private static String more(String... dirs) {
        StringBuilder b = new StringBuilder("true");
        for (String d : dirs) {
            b.append(" && mount -t tmpfs lnwt-more ").append(d);
        }
        return b.toString();
    }

    /** The holder's process: its /proc/PID/root is the namespace's view of the files. */
    public long pid() {
        return sleep.pid();
    }

    /**
     * The command prefix that runs a program in it (and in the fake host's network); lnw
     * is told that this mount namespace outlives it (it is held), so that it runs there.
     */
    public List<String> enter() {
        // --root: entering a mount namespace resets the root directory to the namespace's
        // own, which would step out of a chroot the tests run in (runc exec cannot be told
        // so, which is why .ci/fresh-machine pivots its root rather than chroot);
        // --wd: the working directory left behind is not under that root
        return List.of("nsenter", "--mount=" + mnt, "--root=/proc/" + sleep.pid() + "/root", "--wd=/",
                "--net=/proc/" + sleep.pid() + "/ns/net", "env", "LNW_PRIVATE_MOUNTS_OK=1");
    }

    @Override
    public void close() throws Exception {
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.toList()) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit) || Long.parseLong(name) == sleep.pid()) {
                    continue;
                }
                try {
                    if (Files.readSymbolicLink(p.resolve("ns/mnt")).toString().equals(identity)) {
                        ProcessHandle.of(Long.parseLong(name)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                } catch (java.io.IOException exited) {
                    // gone meanwhile
                }
            }
        }
        sleep.destroyForcibly();
        sleep.waitFor(10, TimeUnit.SECONDS);
    }
}
