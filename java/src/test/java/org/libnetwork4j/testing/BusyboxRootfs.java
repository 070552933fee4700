package org.libnetwork4j.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A container's root filesystem for the tests with real runtimes: Debian's busybox-static (no
 * libraries to copy) as /bin/busybox, sh, ping, httpd and sleep linked to it, and a web page
 * at /www/index.html for httpd to serve.
 */
public final class BusyboxRootfs {
    /** Debian's busybox-static: a test dependency (the build installs it: native/prerequisites.sh). */
    public static final Path BUSYBOX = Path.of("/usr/bin/busybox");

    private BusyboxRootfs() {
    }

    /** Makes it at rootfs (created), with page as /www/index.html; returns rootfs. */
    public static Path make(Path rootfs, String page) throws IOException {
        Files.createDirectories(rootfs.resolve("bin"));
        Files.createDirectories(rootfs.resolve("www"));
        Files.copy(BUSYBOX, rootfs.resolve("bin/busybox"));
        for (String tool : List.of("sh", "ping", "httpd", "sleep")) {
            Files.createSymbolicLink(rootfs.resolve("bin").resolve(tool), Path.of("busybox"));
        }
        Files.writeString(rootfs.resolve("www/index.html"), page);
        return rootfs;
    }
}
