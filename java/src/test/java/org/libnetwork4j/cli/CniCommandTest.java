package org.libnetwork4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import picocli.CommandLine;

/**
 * The daemon's way past picocli for lnw-cni's requests ({@link CniCommand.Call}): whatever it
 * takes, picocli reads as the same options with the same values; what it leaves, picocli gets.
 * No root: parsing only, and one call that fails before any controller is asked for.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CniCommandTest {
    private static final String CONF = "{\"cniVersion\": \"1.1.0\", \"name\": \"n\", \"type\": \"libnetwork4j\"}";

    /** As native/client/lnw_cni.c sends them. */
    private static List<String> lnwCni(boolean runDir, String... env) {
        List<String> a = new ArrayList<>(List.of("--state-dir", "/var/lib/x"));
        if (runDir) {
            a.addAll(List.of("--run-dir", "/run/x"));
        }
        a.add("cni");
        for (String e : env) {
            a.addAll(List.of("--env", e));
        }
        a.addAll(List.of("--config", CONF));
        return a;
    }

    /** Call.of(args) is null, or picocli parses args to the same directories, variables and configuration. */
    private static void sameAsPicocli(List<String> args) {
        CniCommand.Call call = CniCommand.Call.of(args);
        if (call == null) {
            return;
        }
        CommandLine cl = new Lnw.Runner().commandLine();
        CommandLine.ParseResult parsed = cl.parseArgs(args.toArray(String[]::new));
        Lnw top = cl.getCommand();
        CniCommand cni = parsed.subcommand().commandSpec().commandLine().getCommand();
        assertEquals(top.stateDir, call.stateDir(), args.toString());
        assertEquals(top.runDir, call.runDir(), args.toString());
        assertEquals(cni.env, call.env(), args.toString());
        assertEquals(cni.config, call.config(), args.toString());
        assertEquals(false, top.debug);
        assertNull(top.clusterStore);
        assertNull(top.advertiseAddr);
    }

    @Test
    void lnwCnisRequestsTakeTheShortWayAndMeanWhatTheyMeanToPicocli() {
        for (List<String> args : List.of(lnwCni(true, "CNI_COMMAND=ADD", "CNI_CONTAINERID=c1",
                "CNI_NETNS=/run/netns/c1", "CNI_IFNAME=eth0", "CNI_ARGS=IgnoreUnknown=1;K8S_POD_NAME=web",
                "CNI_PATH=/opt/cni/bin"), lnwCni(false, "CNI_COMMAND=VERSION"), lnwCni(true, "CNI_COMMAND=DEL"))) {
            assertNotNull(CniCommand.Call.of(args), args.toString());
            sameAsPicocli(args);
        }
        CniCommand.Call c = CniCommand.Call.of(lnwCni(false, "CNI_COMMAND=ADD", "CNI_NETNS="));
        assertEquals(Path.of("/var/lib/x"), c.stateDir());
        assertNull(c.runDir(), "the daemon's, as for picocli");
        assertEquals(List.of("CNI_COMMAND=ADD", "CNI_NETNS="), c.env());
        assertEquals(CONF, c.config());
    }

    @Test
    void anythingElseIsLeftToPicocli() {
        List<List<String>> others = List.of(
                List.of("cni", "--env", "CNI_COMMAND=ADD", "--config", CONF), // no directories
                List.of("--state-dir", "rel", "cni", "--env", "CNI_COMMAND=ADD", "--config", CONF),
                List.of("--state-dir", "/s", "--debug", "cni", "--env", "CNI_COMMAND=ADD", "--config", CONF),
                List.of("--state-dir", "/s", "cni", "--config", CONF), // no --env: the process's variables
                List.of("--state-dir", "/s", "cni", "--env", "CNI_COMMAND=ADD"), // no --config: stdin
                List.of("--state-dir", "/s", "cni", "--env", "CNI_COMMAND=ADD", "--config", CONF, "--config", CONF),
                List.of("--state-dir", "/s", "cni", "--config", CONF, "--env", "CNI_COMMAND=ADD"),
                List.of("--state-dir", "/s", "cni", "--env", "--config", "--config", CONF),
                List.of("--state-dir", "/s", "cni", "--env", "X=1", "--config", CONF),
                List.of("--state-dir", "/s", "cni", "--env", "CNI_COMMAND=ADD", "--config", "--env"),
                List.of("--state-dir", "/s", "cni", "--env", "CNI_COMMAND=ADD", "--config", ""),
                List.of("--state-dir", "/s", "cni", "--env", "CNI_COMMAND=ADD", "--config", "\"quoted\""),
                List.of("--state-dir", "/s", "cni", "--env", "CNI_COMMAND=ADD", "--config=" + CONF),
                List.of("--state-dir=/s", "cni", "--env", "CNI_COMMAND=ADD", "--config", CONF),
                List.of("--state-dir", "/s\0", "cni", "--env", "CNI_COMMAND=ADD", "--config", CONF),
                List.of("--state-dir", "/s", "network", "ls", "--env", "CNI_COMMAND=ADD", "--config", CONF),
                List.of("--state-dir", "/s", "--run-dir", "cni", "--env", "CNI_COMMAND=ADD", "--config", CONF));
        for (List<String> args : others) {
            assertNull(CniCommand.Call.of(args), args.toString());
        }
    }

    /** Random words from both sets: what the short way takes, picocli reads the same. */
    @Test
    void mixturesAreReadAsPicocliReadsThem() {
        String[] words = {"--state-dir", "--run-dir", "cni", "--env", "--config", "/a", "/b c", "rel", CONF,
            "CNI_COMMAND=ADD", "CNI_IFNAME=eth0", "CNI_X", "--debug", "-", "'x'", "{}"};
        Random r = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            List<String> args = new ArrayList<>();
            if (r.nextInt(3) > 0) { // mostly near the real form, so that some are taken
                args.addAll(lnwCni(r.nextBoolean(), "CNI_COMMAND=ADD"));
                args.set(r.nextInt(args.size()), words[r.nextInt(words.length)]);
            } else {
                for (int n = r.nextInt(10); n > 0; n--) {
                    args.add(words[r.nextInt(words.length)]);
                }
            }
            try {
                sameAsPicocli(args);
            } catch (CommandLine.ParameterException e) {
                throw new AssertionError("taken, but picocli refuses it: " + args, e);
            }
        }
    }

    /** Failures on the short way as on picocli's: other directories than the daemon's, exit 1, one line. */
    @Test
    void errorsAreReportedAsThroughPicocli() {
        DaemonCommand.Session session = new DaemonCommand.Session(null,
                org.libnetwork4j.ControllerConfig.builder().stateDir(Path.of("/var/lib/d")).runDir(Path.of("/run/d"))
                        .build());
        List<String> args = lnwCni(true, "CNI_COMMAND=ADD", "CNI_CONTAINERID=c", "CNI_NETNS=/proc/self/ns/net",
                "CNI_IFNAME=eth0");
        Map<String, String> env = Map.of("LNW_STATE_DIR", "/var/lib/d", "LNW_RUN_DIR", "/run/d");
        StringWriter out1 = new StringWriter();
        StringWriter err1 = new StringWriter();
        StringWriter out2 = new StringWriter();
        StringWriter err2 = new StringWriter();
        int viaPicocli = new Lnw.Runner().run(args.toArray(String[]::new), new PrintWriter(out1), new PrintWriter(err1),
                env, session);
        int shortWay = new Lnw.Runner().runCni(CniCommand.Call.of(args), new PrintWriter(out2), new PrintWriter(err2),
                env, session);
        assertEquals(1, viaPicocli);
        assertEquals(viaPicocli, shortWay);
        assertEquals(out1.toString(), out2.toString());
        assertEquals(err1.toString(), err2.toString());
        assertEquals("lnw: this lnw daemon serves state directory /var/lib/d and run directory /run/d, not /var/lib/x"
                + " and /run/x", err2.toString().strip());
    }
}
