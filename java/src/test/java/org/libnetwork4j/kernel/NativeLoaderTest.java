package org.libnetwork4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import com.tngtech.archunit.core.importer.ClassFileImporter;

import org.fusesource.hawtjni.runtime.ClassFlag;
import org.fusesource.hawtjni.runtime.JniClass;
import org.junit.jupiter.api.Test;
import org.libnetwork4j.internal.jni.LnwNative;

/** The load-failure explanations (no root needed). */
class NativeLoaderTest {

    private static UnsatisfiedLinkError hawtjniFailure(String reason) {
        // HawtJNI's shape: "Could not load library. Reasons: [...]", the causes suppressed
        UnsatisfiedLinkError e = new UnsatisfiedLinkError("Could not load library. Reasons: [" + reason + "]");
        e.addSuppressed(new UnsatisfiedLinkError(reason));
        return e;
    }

    @Test
    void namesTheMissingHostPackage() {
        String msg = NativeLoader.describe(hawtjniFailure(
                "/tmp/liblnw4j-123.so: libnl-route-3.so.200: cannot open shared object file: No such file or directory"),
                "Linux", "amd64");
        assertEquals("libnetwork4j cannot load its native library liblnw4j.so: the host lacks the runtime"
                + " package(s) libnl-route-3-200; install them (Debian/Ubuntu: apt-get install"
                + " libnl-3-200 libnl-route-3-200 libnl-nf-3-200 libnftables1)", msg);
        String nft = NativeLoader.describe(hawtjniFailure(
                "/tmp/liblnw4j-1.so: libnftables.so.1: cannot open shared object file: No such file or directory"),
                "Linux", "amd64");
        assertTrue(nft.contains("lacks the runtime package(s) libnftables1;"), nft);
    }

    @Test
    void otherPlatformsAndMissingBuilds() {
        assertTrue(NativeLoader.describe(new UnsatisfiedLinkError("x"), "Mac OS X", "aarch64")
                .endsWith("it exists for Linux only (this is Mac OS X)"));
        String noBuild = NativeLoader.describe(new UnsatisfiedLinkError(
                "Could not load library. Reasons: [no lnw4j in java.library.path]"), "Linux", "riscv64");
        assertTrue(noBuild.contains("the jar carries no build for linux64/riscv64"), noBuild);
    }

    /**
     * The jar's own libnl and libnftables, as a host without them gets them: a JVM told to
     * prefer them maps them from the private directory they were written to (deleted at once),
     * not from the system's, and works.
     */
    @Test
    void theBundledLibrariesServeAJvmOnTheirOwn() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Dlnw.native.bundled=prefer",
                "-cp", System.getProperty("java.class.path"), BundledLoadMain.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        List<String> maps = out.lines().filter(l -> l.contains(".so")).toList();
        assertTrue(maps.stream().anyMatch(l -> l.contains("/libnl-3.so.200"))
                && maps.stream().anyMatch(l -> l.contains("/libnftables.so.1")), out);
        for (String m : maps) {
            assertTrue(m.contains("/libnetwork4j-native-") && m.endsWith("(deleted)"), "mapped from the jar's copy: " + m);
        }
        assertTrue(out.contains("links: 1"), "a fresh namespace has lo only: " + out);
    }

    /**
     * liblnw4j.so is loaded from a private copy deleted at once: a JVM killed with SIGKILL (no
     * exit hooks) leaves nothing in its temporary directory. HawtJNI's own copy would stay.
     */
    @Test
    void aKilledJvmLeavesNoCopyOfTheLibraryBehind(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        List<String> lines = org.libnetwork4j.testing.KilledJvm.runKillAndCheckEmpty(tmp, BundledLoadMain.class,
                "hold");
        assertTrue(!lines.isEmpty() && lines.stream().allMatch(l -> l.startsWith(tmp + "/libnetwork4j-native-")
                && l.endsWith("/liblnw4j.so (deleted)")), "mapped from a copy deleted at once: " + lines);
    }

    @Test
    void theLibraryIsLoadedHere() {
        assertTrue(NativeLoader.isAvailable(), () -> NativeLoader.unavailabilityCause().map(Throwable::getMessage).orElse(""));
    }

    @Test
    void everyStructOfTheBindingIsCachedAtLoad() throws Exception {
        Set<String> structs = new TreeSet<>();
        for (var c : new ClassFileImporter().importPackages("org.libnetwork4j.internal.jni")) {
            JniClass jni = c.reflect().getAnnotation(JniClass.class);
            if (jni != null && Arrays.asList(jni.flags()).contains(ClassFlag.STRUCT)) {
                structs.add(c.getSimpleName());
            }
        }
        Set<String> cached = new TreeSet<>();
        for (var m : LnwNative.class.getMethods()) {
            if (m.getName().equals("lnw4j_cache_structs")) {
                Arrays.stream(m.getParameterTypes()).forEach(t -> cached.add(t.getSimpleName()));
            }
        }
        assertTrue(structs.size() >= 5, structs.toString());
        assertEquals(structs, cached, "a struct left out is cached lazily, racily, by HawtJNI (see lnw4j.h)");
    }
}
