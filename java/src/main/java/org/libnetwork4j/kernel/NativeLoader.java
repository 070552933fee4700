package org.libnetwork4j.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.libnetwork4j.internal.jni.LnwAddr;
import org.libnetwork4j.internal.jni.LnwErr;
import org.libnetwork4j.internal.jni.LnwLink;
import org.libnetwork4j.internal.jni.LnwNative;
import org.libnetwork4j.internal.jni.LnwNeigh;
import org.libnetwork4j.internal.jni.LnwRoute;

/**
 * Loads liblnw4j.so (from the jar, through HawtJNI) once per class loader, and explains a
 * failure in one sentence that names what to install. Every entry point of this package calls
 * {@link #ensureLoaded()} first.
 *
 * <p><b>Bundled libraries.</b> The jar also carries what liblnw4j.so links against beyond the
 * C library (libnl, libnftables and theirs, built on Debian 12: glibc 2.36 or newer). The
 * host's own are used when it has them (its distribution keeps them patched); when one is
 * missing, the bundled ones are written to a private temporary directory, loaded in order
 * (each after those it needs, so that the dynamic linker finds them by soname when it links
 * liblnw4j.so), and the files deleted at once (the mappings stay). The system property
 * {@code lnw.native.bundled} says {@code prefer} (the bundled ones always) or {@code never}.
 */
public final class NativeLoader {
    /** The shared objects liblnw4j.so links against, and the Debian packages providing them. */
    private static final Map<String, String> HOST_LIBRARIES = Map.of(
            "libnl-3.so", "libnl-3-200",
            "libnl-route-3.so", "libnl-route-3-200",
            "libnl-nf-3.so", "libnl-nf-3-200",
            "libnftables.so", "libnftables1");
    static final String RUNTIME_PACKAGES = "libnl-3-200 libnl-route-3-200 libnl-nf-3-200 libnftables1";

    private static final Throwable FAILURE = load();

    private NativeLoader() {
    }

    private static Throwable load() {
        try {
            String bundled = System.getProperty("lnw.native.bundled", "fallback");
            if (bundled.equals("prefer")) {
                loadBundled();
            }
            try {
                loadOwn();
            } catch (UnsatisfiedLinkError e) {
                if (!bundled.equals("fallback") || !allMessages(e).contains("cannot open shared object file")) {
                    throw e;
                }
                try {
                    loadBundled();
                } catch (IOException | UnsatisfiedLinkError b) {
                    e.addSuppressed(b);
                    throw e;
                }
                loadOwn();
            }
            LnwNative.init();
            // before any other thread can call in: HawtJNI's struct caches are not thread-safe
            LnwNative.lnw4j_cache_structs(new LnwAddr(), new LnwRoute(), new LnwLink(), new LnwNeigh(),
                    new LnwErr());
            return null;
        } catch (Throwable t) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError(describe(t,
                    System.getProperty("os.name"), System.getProperty("os.arch")));
            e.initCause(t);
            return e;
        }
    }

    /**
     * liblnw4j.so, through HawtJNI but from a file of ours, deleted as soon as it is loaded.
     * HawtJNI alone writes it to java.io.tmpdir under a fresh name and deletes it only when the
     * JVM exits normally: each JVM killed (a crashed daemon, kill -9 in a test) left one behind.
     * A library.lnw4j.path given by the caller is HawtJNI's as before.
     */
    private static void loadOwn() throws IOException {
        String path = "library.lnw4j.path";
        String base = "META-INF/native/linux64/" + System.getProperty("os.arch") + "/";
        if (System.getProperty(path) != null
                || NativeLoader.class.getClassLoader().getResource(base + "liblnw4j.so") == null) {
            LnwNative.LIBRARY.load();
            return;
        }
        withExtracted(base, List.of("liblnw4j.so"), dir -> {
            System.setProperty(path, dir.toString());
            try {
                LnwNative.LIBRARY.load();
            } finally {
                System.clearProperty(path);
            }
        });
    }

    /** Loads the jar's bundled libraries (see above): their sonames, in order, are in "order". */
    private static void loadBundled() throws IOException {
        String base = "META-INF/native/linux64/" + System.getProperty("os.arch") + "/bundled/";
        ClassLoader cl = NativeLoader.class.getClassLoader();
        List<String> order;
        try (InputStream in = cl.getResourceAsStream(base + "order")) {
            if (in == null) {
                throw new UnsatisfiedLinkError("the jar carries no bundled libraries for " + base);
            }
            order = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
        withExtracted(base, order, dir -> {
            for (String soname : order) {
                System.load(dir.resolve(soname).toString());
            }
        });
    }

    /**
     * The jar's files base + name, written to a private temporary directory for load, then
     * deleted with it whatever happens (a loaded library stays mapped).
     */
    private static void withExtracted(String base, List<String> names, java.util.function.Consumer<Path> load)
            throws IOException {
        ClassLoader cl = NativeLoader.class.getClassLoader();
        Path dir = Files.createTempDirectory("libnetwork4j-native-"); // 0700: nobody else may swap a file
        try {
            for (String name : names) {
                try (InputStream in = cl.getResourceAsStream(base + name)) {
                    if (in == null) {
                        throw new UnsatisfiedLinkError("the jar lists " + name + " but does not carry it");
                    }
                    Files.copy(in, dir.resolve(name));
                }
            }
            load.accept(dir);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    /**
     * True when the native library is loaded and usable.
     *
     * @return false if loading failed; that does not change for the life of the class loader
     */
    public static boolean isAvailable() {
        return FAILURE == null;
    }

    /**
     * Why it is not, if it is not.
     *
     * @return an {@link UnsatisfiedLinkError} whose one-sentence message says what is wrong and
     *         what to do about it, caused by the original failure; empty when the library is
     *         loaded
     */
    public static Optional<Throwable> unavailabilityCause() {
        return Optional.ofNullable(FAILURE);
    }

    /** @throws UnsatisfiedLinkError with a message that says what to install */
    public static void ensureLoaded() {
        if (FAILURE != null) {
            UnsatisfiedLinkError e = new UnsatisfiedLinkError(FAILURE.getMessage());
            e.initCause(FAILURE.getCause());
            throw e;
        }
    }

    /** One sentence: what is missing and what to do about it. */
    static String describe(Throwable failure, String os, String arch) {
        String prefix = "libnetwork4j cannot load its native library liblnw4j.so: ";
        if (os == null || !os.toLowerCase().startsWith("linux")) {
            return prefix + "it exists for Linux only (this is " + os + ")";
        }
        String text = allMessages(failure);
        Set<String> missing = new LinkedHashSet<>();
        for (Map.Entry<String, String> lib : HOST_LIBRARIES.entrySet()) {
            if (text.contains(lib.getKey()) && text.contains("cannot open shared object file")) {
                missing.add(lib.getValue());
            }
        }
        if (!missing.isEmpty()) {
            return prefix + "the host lacks the runtime package(s) " + String.join(" ", missing)
                    + "; install them (Debian/Ubuntu: apt-get install " + RUNTIME_PACKAGES + ")";
        }
        if (text.contains("cannot open shared object file")) {
            return prefix + "a library it needs is missing (" + firstLine(text)
                    + "); install " + RUNTIME_PACKAGES;
        }
        if (!text.contains("liblnw4j") || text.contains("Could not load library")) {
            return prefix + "the jar carries no build for linux64/" + arch
                    + " (build it on this platform with `mvn package`): " + firstLine(text);
        }
        return prefix + firstLine(text);
    }

    private static String allMessages(Throwable t) {
        List<String> parts = new ArrayList<>();
        Set<Throwable> seen = new java.util.HashSet<>();
        collect(t, parts, seen);
        return String.join(" | ", parts);
    }

    private static void collect(Throwable t, List<String> parts, Set<Throwable> seen) {
        if (t == null || !seen.add(t)) {
            return;
        }
        if (t.getMessage() != null) {
            parts.add(t.getMessage());
        }
        for (Throwable s : t.getSuppressed()) {
            collect(s, parts, seen);
        }
        collect(t.getCause(), parts, seen);
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
