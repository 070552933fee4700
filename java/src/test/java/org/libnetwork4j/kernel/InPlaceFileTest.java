package org.libnetwork4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.libnetwork4j.NotFoundException;

/** Files rewritten in place, checked through the file system and through a bind mount of one. */
class InPlaceFileTest {
    @TempDir
    Path tmp;

    private static void rewrite(Path f, String content) {
        InPlaceFile.rewrite(f, content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void theFileKeepsItsInodeAndHoldsExactlyTheNewContent() throws Exception {
        Path f = tmp.resolve("resolv.conf");
        rewrite(f, "nameserver 10.0.0.2\nsearch example.org\noptions ndots:2\n");
        Object inode = Files.getAttribute(f, "unix:ino");
        // made with the mode a file made through the JDK gets, under the same umask
        Path viaJdk = tmp.resolve("made-by-the-jdk");
        Files.newByteChannel(viaJdk, StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();
        assertEquals(Files.getPosixFilePermissions(viaJdk), Files.getPosixFilePermissions(f));

        rewrite(f, "nameserver 10.1.0.1\n"); // shorter: the old tail is cut off
        assertEquals("nameserver 10.1.0.1\n", Files.readString(f));
        rewrite(f, "nameserver 10.1.0.1\nnameserver 10.2.0.1\noptions ndots:0 timeout:1\n"); // longer
        assertEquals("nameserver 10.1.0.1\nnameserver 10.2.0.1\noptions ndots:0 timeout:1\n", Files.readString(f));
        rewrite(f, "");
        assertEquals(0, Files.size(f));
        assertEquals(inode, Files.getAttribute(f, "unix:ino"));
    }

    /**
     * What the inode is for: a runtime bind-mounts the file into a container's mount namespace,
     * where a file replaced by a rename would stay old. Read there through /proc/PID/root.
     */
    @Test
    void aBindMountInAnotherMountNamespaceSeesEachRewrite() throws Exception {
        Path f = tmp.resolve("hosts");
        Path target = tmp.resolve("mounted-hosts");
        rewrite(f, "127.0.0.1\tlocalhost\n10.0.0.5\tweb\n");
        Files.writeString(target, "");
        Process p = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount --bind \"$0\" \"$1\" && echo mounted && exec sleep 60", f.toString(), target.toString())
                .redirectErrorStream(true).start();
        try {
            String first = new String(p.getInputStream().readNBytes(8), StandardCharsets.UTF_8);
            assertEquals("mounted\n", first);
            Path seen = Path.of("/proc/" + p.pid() + "/root" + target);
            assertEquals("127.0.0.1\tlocalhost\n10.0.0.5\tweb\n", Files.readString(seen));
            assertEquals("", Files.readString(target), "the mount is in the other namespace only");
            rewrite(f, "127.0.0.1\tlocalhost\n");
            assertEquals("127.0.0.1\tlocalhost\n", Files.readString(seen));
        } finally {
            p.destroy(); // the mount goes with its namespace's last process
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aMissingDirectoryIsNotFoundAndNamesThePath() {
        Path f = tmp.resolve("gone").resolve("resolv.conf");
        NotFoundException e = assertThrows(NotFoundException.class, () -> rewrite(f, "x\n"));
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
        assertEquals(f.toString(), e.object());
    }
}
