package org.libnetwork4j.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a JVM killed with SIGKILL (no exit hooks: a crashed daemon, kill -9) leaves in its
 * temporary directory: a child JVM with a java.io.tmpdir of its own runs main, which prints
 * where some library was mapped from ({@link #printMappings}); the child is killed once it has
 * said {@link #READY}, and its directory must be empty.
 */
public final class KilledJvm {
    /** What the child prints once it has printed its mappings; it then waits to be killed. */
    public static final String READY = "ready";

    private KilledJvm() {
    }

    /**
     * Runs main (with args) in a child JVM whose java.io.tmpdir is tmp; returns the lines it
     * printed before {@link #READY}; kills it and asserts that tmp is empty afterwards.
     */
    public static List<String> runKillAndCheckEmpty(Path tmp, Class<?> main, String... args) throws Exception {
        List<String> lines = runAndKill(List.of("-Djava.io.tmpdir=" + tmp), main, args);
        try (var left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "left in the killed JVM's temporary directory (it said " + lines + ")");
        }
        return lines;
    }

    /**
     * Runs main (with args) in a child JVM with this one's class path and the options jvm,
     * kills it (SIGKILL) once it has said {@link #READY}, and asserts that the kill is what
     * ended it (not a failure before, or an exit); returns the lines it printed before.
     */
    public static List<String> runAndKill(List<String> jvm, Class<?> main, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(jvm);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try {
            var out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            for (String l = out.readLine(); l != null && !l.equals(READY); l = out.readLine()) {
                lines.add(l);
            }
        } finally {
            p.destroyForcibly(); // SIGKILL
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(128 + 9, p.exitValue(), "killed, not ended otherwise; it said " + lines);
        return lines;
    }

    /**
     * In the child: prints the paths of its /proc/self/maps lines that contain name, then
     * {@link #READY}, and waits to be killed (at most a minute).
     */
    public static void printMappings(String name) throws IOException, InterruptedException {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.contains(name)) {
                System.out.println(line.substring(line.indexOf('/')));
            }
        }
        System.out.println(READY);
        System.out.flush();
        Thread.sleep(60_000);
    }
}
