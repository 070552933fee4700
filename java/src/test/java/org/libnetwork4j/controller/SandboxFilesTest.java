package org.libnetwork4j.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.libnetwork4j.InternalException;
import org.libnetwork4j.SandboxOptions;

/** A sandbox's files on disk: made, rewritten, and removed whatever else lies beside them (no root needed). */
class SandboxFilesTest {
    @TempDir
    Path tmp;

    private SandboxFiles make(Path dir) throws IOException {
        Path hostResolvConf = tmp.resolve("host-resolv.conf");
        Files.writeString(hostResolvConf, "nameserver 10.0.0.2\n");
        return SandboxFiles.create(dir, SandboxOptions.defaults(), hostResolvConf);
    }

    @Test
    void deleteRemovesTheDirectoryAndItsTwoFilesAndTwiceSucceeds() throws IOException {
        Path dir = tmp.resolve("sb1");
        SandboxFiles f = make(dir);
        try (var l = Files.list(dir)) {
            assertEquals(List.of("hosts", "resolv.conf"), l.map(p -> p.getFileName().toString()).sorted().toList());
        }
        assertEquals("nameserver 10.0.0.2\n", Files.readString(f.resolvConf()));
        f.delete();
        assertFalse(Files.exists(dir));
        f.delete();
        assertFalse(Files.exists(dir));
    }

    /**
     * A write that fails (the directory gone under the sandbox) is the library's internal
     * error naming the file, not a "not found" an API client would take for its network or
     * container.
     */
    @Test
    void aFailedWriteIsAnInternalErrorNamingTheFile() throws IOException {
        Path dir = tmp.resolve("sb3");
        SandboxFiles f = make(dir);
        f.delete();
        InternalException e = assertThrows(InternalException.class,
                () -> f.writeResolvConf(List.of(InetAddress.getByName("10.1.0.1"))));
        assertTrue(e.getMessage().contains(f.resolvConf().toString()), e.getMessage());
        assertEquals(f.resolvConf().toString(), e.object());
        assertFalse(Files.exists(dir), "nothing made again");
    }

    @Test
    void deleteTakesAlongWhatSomeoneElsePutThere() throws IOException {
        Path dir = tmp.resolve("sb2");
        SandboxFiles f = make(dir);
        Files.writeString(dir.resolve("hostname"), "web\n"); // a runtime's file beside ours
        Files.createDirectories(dir.resolve("extra").resolve("deeper"));
        Files.writeString(dir.resolve("extra").resolve("deeper").resolve("x"), "x");
        f.delete();
        assertFalse(Files.exists(dir));
        assertTrue(Files.exists(tmp.resolve("host-resolv.conf")), "nothing outside the sandbox's directory");
    }
}
