package org.libnetwork4j.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Real TCP and UDP traffic between namespaces, with socat run inside them through nsenter.
 * Servers answer every connection (or datagram) with a fixed text, or with the address they
 * saw the client come from; clients give up after two seconds. Servers are processes of this
 * JVM, stopped by their own handle (PID) when the test's namespaces go.
 */
public final class Traffic {
    private static final int CLIENT_TIMEOUT_SECONDS = 2;

    private Traffic() {
    }

    /** A socat server process; closing it kills exactly it. */
    public static final class Server implements AutoCloseable {
        private final Process process;

        Server(Process process) {
            this.process = process;
        }

        @Override
        public void close() {
            stop(process);
        }
    }

    /** Stops a process of ours: TERM, then KILL after 5 s. */
    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    /** A TCP server on port in ns (IPv4) answering {@code reply}; "$PEER" answers the client's address. */
    public static Server tcpServer(Namespaces owner, NsRef ns, String bind, int port, String reply) {
        return server(owner, ns, "TCP-LISTEN:" + port + ",reuseaddr,fork" + bindOpt(bind), reply);
    }

    /** The same on IPv6 and IPv4 at once (IPv4 clients show as ::ffff:a.b.c.d). */
    public static Server tcpServerDual(Namespaces owner, NsRef ns, int port, String reply) {
        return server(owner, ns, "TCP6-LISTEN:" + port + ",ipv6only=0,reuseaddr,fork", reply);
    }

    /** A UDP server: every datagram gets {@code reply} back. */
    public static Server udpServer(Namespaces owner, NsRef ns, String bind, int port, String reply) {
        return server(owner, ns, "UDP-RECVFROM:" + port + ",fork" + bindOpt(bind), reply);
    }

    /** A TCP server that echoes every line back, for connections kept open across events. */
    public static Server echoServer(Namespaces owner, NsRef ns, int port) {
        return start(owner, ns, "TCP-LISTEN:" + port + ",reuseaddr,fork", "EXEC:cat");
    }

    /** One TCP connection kept open, line by line: send a line, read its echo. */
    public static final class Session implements AutoCloseable {
        private final Process process;
        private final java.io.BufferedReader in;

        private Session(Process process) {
            this.process = process;
            this.in = new java.io.BufferedReader(new java.io.InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
        }

        /** Sends line and returns what came back (null if the connection is gone). */
        public String roundTrip(String line) throws IOException {
            process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
            process.getOutputStream().flush();
            return in.readLine();
        }

        @Override
        public void close() {
            stop(process);
        }
    }

    /** Opens a connection from ns to ip:port that stays open (socat -T 30: idle 30 s at most). */
    public static Session session(Namespaces owner, NsRef ns, String ip, int port) throws IOException {
        List<String> cmd = List.of("nsenter", "--net=" + ns.path(), "socat", "-T30", "-",
                "TCP:" + host(ip) + ":" + port + ",connect-timeout=" + CLIENT_TIMEOUT_SECONDS);
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        return owner.track(new Session(p));
    }

    private static String bindOpt(String bind) {
        return bind == null ? "" : ",bind=" + bind;
    }

    private static Server server(Namespaces owner, NsRef ns, String listen, String reply) {
        String answer = "$PEER".equals(reply) ? "echo $SOCAT_PEERADDR" : "echo " + reply;
        // The shell reads what the client sent until the client is done. A bare echo exits at
        // once; socat, finding the client's "hi" and the answer ready together, may write the
        // "hi" first, into the pipe of the exited echo, fail with EPIPE and close the connection
        // without the answer. That race lost the first answer in ~2 % of connections under
        // load (7 of 300 TCP, 13 of 100 UDP in a loop here), and was behind traffic assertions
        // that failed now and then in full test runs.
        return start(owner, ns, listen, "SYSTEM:" + answer + "; exec cat >/dev/null");
    }

    private static Server start(Namespaces owner, NsRef ns, String listen, String answer) {
        List<String> cmd = List.of("nsenter", "--net=" + ns.path(), "socat", listen, answer);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Server s = owner.track(new Server(p));
            awaitListening(ns, listen);
            return s;
        } catch (IOException e) {
            throw new AssertionError("cannot start " + cmd, e);
        }
    }

    /** Waits (bounded, 2 s) until the server's socket shows up in ss. */
    private static void awaitListening(NsRef ns, String listen) {
        String port = listen.replaceAll("^[A-Z0-9-]+:(\\d+).*$", "$1");
        boolean udp = listen.startsWith("UDP");
        for (int i = 0; i < 200; i++) {
            var r = Oracle.exec(ns, "ss", "-Hln" + (udp ? "u" : "t"), "sport = :" + port);
            if (r.ok() && !r.out().isBlank()) {
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("server " + listen + " did not start in " + ns.path());
    }

    private static final ThreadLocal<String> LAST_ERROR = ThreadLocal.withInitial(() -> "");

    /** What the last client of this thread wrote on stderr (why an answer is missing). */
    public static String lastClientError() {
        return LAST_ERROR.get();
    }

    /** Connects from ns to ip:port and returns the first line answered, empty if none. */
    public static Optional<String> tcp(NsRef ns, String ip, int port) {
        return client(ns, "TCP:" + host(ip) + ":" + port + ",connect-timeout=" + CLIENT_TIMEOUT_SECONDS);
    }

    /** Sends a datagram from ns to ip:port and returns the answer, empty if none. */
    public static Optional<String> udp(NsRef ns, String ip, int port) {
        return client(ns, "UDP:" + host(ip) + ":" + port);
    }

    private static String host(String ip) {
        return ip.contains(":") ? "[" + ip + "]" : ip;
    }

    private static Optional<String> client(NsRef ns, String target) {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + ns.path(), "timeout",
                Integer.toString(CLIENT_TIMEOUT_SECONDS + 1), "socat", "-T" + CLIENT_TIMEOUT_SECONDS,
                // -t: after its stdin ends, wait for the answer as long as for anything (default 0.5 s)
                "-t" + CLIENT_TIMEOUT_SECONDS, "-", target));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            p.getOutputStream().write("hi\n".getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            // the first line answered is all we want: a UDP client would otherwise wait out -t
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8)).readLine();
            if (line != null) {
                p.destroy(); // a UDP client would otherwise wait out -t
            }
            // (no answer: socat has ended or is ending; let it, so that what it said is kept)
            if (!p.waitFor(CLIENT_TIMEOUT_SECONDS + 5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            String err;
            try {
                err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            } catch (IOException closed) {
                err = ""; // stopped by us: what it said is gone with it
            }
            LAST_ERROR.set(err);
            String out = line == null ? "" : line.strip();
            if (out.isEmpty() && !err.isEmpty()) {
                // in the test's output: why a connection got no answer, expected or not
                System.err.println("traffic: no answer from " + target + " in " + ns + ": " + err.replace('\n', ' '));
            }
            return out.isEmpty() ? Optional.empty() : Optional.of(out);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
