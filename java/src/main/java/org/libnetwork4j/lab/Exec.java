package org.libnetwork4j.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a process to its end, at most 30 s. Its outputs go to files rather than to reader
 * threads: this class starts no thread, so it cannot leave one behind in a namespace.
 */
final class Exec {
    static final long TIMEOUT_SECONDS = 30;

    private Exec() {
    }

    /** Runs argv; the result names shown (the user's command, without our nsenter prefix). */
    static ExecResult run(List<String> argv, List<String> shown) {
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("lnwlab-exec", ".out");
            err = Files.createTempFile("lnwlab-exec", ".err");
            Process p = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            try {
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                    throw new IllegalStateException(String.join(" ", shown) + " did not end within "
                            + TIMEOUT_SECONDS + " s: killed");
                }
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while running " + String.join(" ", shown), e);
            }
            return new ExecResult(shown, p.exitValue(), Files.readString(out), Files.readString(err));
        } catch (IOException e) {
            throw new UncheckedIOException("run " + String.join(" ", shown), e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a temporary file: nothing depends on it
            }
        }
    }
}
