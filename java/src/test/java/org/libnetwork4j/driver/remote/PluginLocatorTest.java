package org.libnetwork4j.driver.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.libnetwork4j.InvalidParameterException;

/** Where plugins are found, in dockerd's order, on files under a temporary directory (no root). */
class PluginLocatorTest {

    @Test
    void socketsComeFirstThenSpecFilesInTheOrderOfTheirDirectories(@TempDir Path dir) throws Exception {
        Path sockets = Files.createDirectories(dir.resolve("run"));
        Path etc = Files.createDirectories(dir.resolve("etc"));
        Path lib = Files.createDirectories(dir.resolve("lib"));
        PluginLocator l = new PluginLocator(sockets, List.of(etc, lib));
        assertEquals(Optional.empty(), l.find("p"));

        Files.writeString(lib.resolve("p.json"), "{\"Name\":\"p\",\"Addr\":\"tcp://127.0.0.1:9\"}");
        assertEquals(Optional.of("tcp://127.0.0.1:9"), l.find("p"));
        Files.writeString(etc.resolve("p.spec"), " unix:///x/p.sock\n");
        assertEquals(Optional.of("unix:///x/p.sock"), l.find("p"), "the first spec directory wins");

        Files.writeString(sockets.resolve("p.sock"), "a regular file is no socket");
        assertEquals(Optional.of("unix:///x/p.sock"), l.find("p"));
        Files.delete(sockets.resolve("p.sock"));
        Path nested = Files.createDirectories(sockets.resolve("p")).resolve("p.sock");
        try (ServerSocketChannel s = ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
            s.bind(UnixDomainSocketAddress.of(nested));
            assertEquals(Optional.of("unix://" + nested), l.find("p"), "a socket beats spec files");
        } finally {
            Files.deleteIfExists(nested);
        }
    }

    @Test
    void namesThatWouldLeaveTheDirectoriesAreNoPlugins(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("x.spec"), "unix:///x.sock");
        PluginLocator l = new PluginLocator(dir.resolve("none"), List.of(dir.resolve("sub")));
        Files.createDirectories(dir.resolve("sub"));
        assertEquals(Optional.empty(), l.find("../x"));
        assertEquals(Optional.empty(), l.find(".x"));
        assertEquals(Optional.empty(), l.find(""));
    }

    @Test
    void aSpecFileWithoutAnAddressIsRefusedNamingIt(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("bad.spec"), "just words");
        Files.writeString(dir.resolve("worse.json"), "{not json");
        PluginLocator l = new PluginLocator(dir.resolve("none"), List.of(dir));
        InvalidParameterException e = assertThrows(InvalidParameterException.class, () -> l.find("bad"));
        assertEquals("plugin \"bad\": " + dir.resolve("bad.spec") + " names no address (unix:///path or "
                + "tcp://host:port)", e.getMessage());
        assertThrows(InvalidParameterException.class, () -> l.find("worse"));
    }
}
