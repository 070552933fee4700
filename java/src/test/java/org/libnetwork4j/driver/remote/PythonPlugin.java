package org.libnetwork4j.driver.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * veth_plugin.py (a Docker network plugin written for the tests, standard library Python), or
 * ipam_plugin.py (an IPAM plugin),
 * run inside a test's fake host namespace, listening on a socket under a test directory. Its
 * state file and call log stay in that directory, so a plugin started again over the same
 * directory knows the networks of the one before it.
 */
final class PythonPlugin implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    final Path socket;
    final Path dir;
    private final Path hostNs;
    private final String script;
    private Process process;

    /** A network plugin (not started) whose socket is socket and whose files go to dir. */
    PythonPlugin(Path hostNs, Path socket, Path dir) {
        this(hostNs, socket, dir, "veth_plugin.py");
    }

    /** The plugin of this script (a resource next to this class). */
    PythonPlugin(Path hostNs, Path socket, Path dir, String script) {
        this.hostNs = hostNs;
        this.socket = socket;
        this.dir = dir;
        this.script = script;
    }

    /** Starts it (optionally with a fault, "die:NetworkDriver.Join") and waits for its socket. */
    PythonPlugin start(String fault) {
        try {
            Files.createDirectories(dir);
            Files.createDirectories(socket.getParent());
            Path copy = dir.resolve(script);
            try (InputStream in = PythonPlugin.class.getResourceAsStream(script)) {
                Files.copy(in, copy, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            Files.deleteIfExists(socket);
            List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + hostNs, "python3", copy.toString(),
                    socket.toString(), dir.resolve("state.json").toString(), log().toString()));
            if (fault != null) {
                cmd.add(fault);
            }
            process = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("plugin.out").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!Files.exists(socket)) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("plugin did not start: " + output());
                }
                Thread.sleep(20);
            }
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether its process runs. */
    boolean alive() {
        return process != null && process.isAlive();
    }

    /** Kills it by its pid (SIGKILL: a plugin that dies), and waits for it to be gone. */
    void kill() {
        if (process == null) {
            return;
        }
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    Path log() {
        return dir.resolve("calls.jsonl");
    }

    /** The calls it got, in order: {"method": "/NetworkDriver.Join", "body": {...}}. */
    List<JsonNode> calls() {
        List<JsonNode> l = new ArrayList<>();
        try {
            if (Files.exists(log())) {
                for (String line : Files.readAllLines(log())) {
                    l.add(JSON.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return l;
    }

    /** The bodies of the calls of one method ("NetworkDriver.Join"). */
    List<JsonNode> calls(String method) {
        return calls().stream().filter(c -> c.path("method").asText().equals("/" + method))
                .map(c -> c.path("body")).toList();
    }

    String output() {
        try {
            Path out = dir.resolve("plugin.out");
            return Files.exists(out) ? Files.readString(out) : "";
        } catch (IOException e) {
            return e.toString();
        }
    }

    @Override
    public void close() {
        kill();
    }
}
