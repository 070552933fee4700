package org.libnetwork4j.kernel;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in a JVM of its own by NativeLoaderTest: loads the native library and prints where the
 * dynamic linker mapped libnl and libnftables from (its /proc/self/maps lines), then
 * the links of a fresh namespace, read over netlink. With the argument "hold": prints where
 * liblnw4j.so was mapped from and waits to be killed ({@code KilledJvm}).
 */
public final class BundledLoadMain {
    private BundledLoadMain() {
    }

    public static void main(String[] args) throws Exception {
        NativeLoader.ensureLoaded();
        if (args.length > 0 && args[0].equals("hold")) {
            org.libnetwork4j.testing.KilledJvm.printMappings("liblnw4j");
            return;
        }
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.contains("libnl-3.so") || line.contains("libnftables.so")) {
                System.out.println(line.substring(line.indexOf('/')));
            }
        }
        try (Netns ns = Netns.create(); Netlink nl = Netlink.open(ns)) { // a throwaway namespace
            System.out.println("links: " + nl.links().size());
        }
    }
}
