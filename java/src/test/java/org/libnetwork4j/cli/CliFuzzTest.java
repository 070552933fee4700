package org.libnetwork4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.code_intelligence.jazzer.mutation.annotation.WithLength;
import com.code_intelligence.jazzer.mutation.annotation.WithSize;
import com.code_intelligence.jazzer.mutation.annotation.WithUtf8Length;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The command line and the daemon's request protocol, with what anyone may type or send:
 * arguments parse or are refused with picocli's ParameterException (exit code 2 for lnw);
 * a request frame reads or is refused (null), or ends early (EOF), never anything else, and
 * never more arguments or bytes than the protocol's limits. Parsing only: no command runs.
 */
class CliFuzzTest {
    /** lnw's model, configured as lnw runs it: picocli resets it before each parse. */
    private static final CommandLine CL = new Lnw.Runner().commandLine();

    @FuzzTest(maxDuration = "8s")
    @DictionaryEntries({"network", "sandbox", "create", "connect", "disconnect", "inspect", "ls", "rm", "prune",
        "exec", "events", "cni", "set-key", "--subnet", "--gateway", "--ip-range", "--aux-address", "--ip",
        "--ip6", "--alias", "-p", "-o", "--label", "--internal", "--ipv6", "-d", "--netns", "--dns",
        "--add-host", "--filter", "--format", "--env", "--config", "10.1.0.0/24", "fd00::/64", "8080:80/udp",
        "k=v"})
    void commandLines(@NotNull @WithSize(max = 12) List<@NotNull @WithUtf8Length(max = 40) String> args) {
        CommandLine cl = CL;
        try {
            cl.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException refused) {
            // what lnw reports as a usage error
        }
    }

    /** "@FILE" is a word like any other: no file is read (a daemon would read it as root). */
    @Test
    void anAtFileArgumentIsNotRead(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("secret"), "network --secret-word\n");
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int code = Lnw.run(new String[] {"@" + secret}, new java.io.PrintWriter(out), new java.io.PrintWriter(err),
                java.util.Map.of());
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("@" + secret) && !err.toString().contains("secret-word"), err.toString());
    }

    @FuzzTest(maxDuration = "8s")
    void daemonRequests(byte @NotNull @WithLength(max = 4096) [] frame) throws Exception {
        DaemonCommand.Request r;
        try {
            r = DaemonCommand.Request.read(new DataInputStream(new ByteArrayInputStream(frame)));
        } catch (EOFException cutShort) {
            return;
        }
        if (r != null) {
            assertTrue(r.args().size() <= DaemonCommand.MAX_ARGS);
            List<Integer> sizes = new ArrayList<>();
            r.args().forEach(a -> sizes.add(a.length()));
            assertTrue(sizes.stream().allMatch(n -> n <= DaemonCommand.MAX_ARG_BYTES), sizes.toString());
        }
    }
}
