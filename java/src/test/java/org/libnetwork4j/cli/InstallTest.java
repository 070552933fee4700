package org.libnetwork4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * lnw install puts lnw and lnw-cni on a PATH (a prefix of the test's own here, not
 * /usr/local), from where they run in any directory.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class InstallTest {
    @Test
    void installedLnwRunsFromAnyDirectory(@TempDir Path prefix) throws Exception {
        Path repo = Path.of(System.getProperty("user.dir")).getParent();
        Process install = new ProcessBuilder(repo.resolve("lnw").toString(), "install", "--prefix", prefix.toString())
                .redirectErrorStream(true).start();
        String said = new String(install.getInputStream().readAllBytes());
        assertTrue(install.waitFor(280, TimeUnit.SECONDS));
        assertEquals(0, install.exitValue(), said);
        for (String tool : new String[] {"lnw", "lnw-cni"}) {
            Path link = prefix.resolve("bin").resolve(tool);
            assertEquals(repo.resolve(tool).toRealPath(), link.toRealPath(), tool + " links to the checkout");
        }
        // env finds lnw on the PATH given below (ProcessBuilder would search the JVM's own)
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/env", "lnw", "--version").directory(new File("/"))
                .redirectErrorStream(true);
        pb.environment().put("PATH", prefix.resolve("bin") + ":" + Path.of(System.getProperty("java.home"), "bin")
                + ":/usr/sbin:/usr/bin:/sbin:/bin");
        Process version = pb.start();
        String out = new String(version.getInputStream().readAllBytes());
        assertTrue(version.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, version.exitValue(), out);
        assertTrue(out.contains("lnw 0.1.0"), out);
        assertTrue(Files.isSymbolicLink(prefix.resolve("bin/lnw")));
    }
}
