package org.libnetwork4j.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Hosts on an underlay, and etcd on it, all in the test's throwaway namespaces: a bridge in
 * namespace "underlay", each host (and "etcd") with an eth0 on it, 192.168.77.N/24; etcd 3.4
 * (Debian's etcd-server) started in its own namespace, its data under the test's directory,
 * on {@link #ENDPOINT}. Never in the machine's own namespace. Closing stops etcd by its PID.
 */
public final class EtcdLab implements AutoCloseable {
    /** Where etcd listens, from the hosts' side. */
    public static final String ENDPOINT = "etcd://192.168.77.100:2379";
    private static final String ETCD_IP = "192.168.77.100";
    private static final Path ETCD = Path.of("/usr/bin/etcd");

    private final Namespaces ns;
    private final TestNs underlay;
    private final TestNs etcdNs;
    private final List<TestNs> hosts = new ArrayList<>();
    private Process etcd;

    private EtcdLab(Namespaces ns) {
        this.ns = ns;
        this.underlay = ns.container("underlay");
        this.etcdNs = ns.container("etcd");
    }

    /**
     * The underlay, etcd on it, and hosts h1..hN with addresses .1...N.
     *
     * @param ns    the test's namespaces
     * @param hosts how many hosts
     * @return the lab, etcd answering
     * @throws Exception if etcd does not answer within 20 s
     */
    public static EtcdLab start(Namespaces ns, int hosts) throws Exception {
        if (!Files.isExecutable(ETCD)) {
            throw new AssertionError("etcd-server is a test dependency (native/prerequisites.sh installs it)");
        }
        EtcdLab lab = new EtcdLab(ns);
        try {
            Oracle.out(lab.underlay, "ip", "link", "add", "br0", "type", "bridge");
            Oracle.out(lab.underlay, "ip", "link", "set", "br0", "up");
            for (int i = 1; i <= hosts; i++) {
                lab.hosts.add(lab.attach(ns.container("h" + i), "192.168.77." + i));
            }
            lab.attach(lab.etcdNs, ETCD_IP);
            lab.startEtcd();
            return lab;
        } catch (Exception | AssertionError e) {
            lab.close();
            throw e;
        }
    }

    private TestNs attach(TestNs host, String ip) {
        String port = "u" + host.name().substring(host.name().length() - Math.min(8, host.name().length()));
        Oracle.out(underlay, "ip", "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns",
                host.path().toString());
        Oracle.out(underlay, "ip", "link", "set", port, "master", "br0", "up");
        Oracle.out(host, "ip", "addr", "add", ip + "/24", "dev", "eth0");
        Oracle.out(host, "ip", "link", "set", "eth0", "up");
        Oracle.out(host, "ip", "link", "set", "lo", "up");
        return host;
    }

    private void startEtcd() throws Exception {
        Path data = ns.dir().resolve("etcd-data");
        Files.createDirectories(data);
        etcd = new ProcessBuilder("nsenter", "--net=" + etcdNs.path(), ETCD.toString(), "--name", "lnwt",
                "--data-dir", data.toString(), "--listen-client-urls", "http://" + ETCD_IP + ":2379",
                "--advertise-client-urls", "http://" + ETCD_IP + ":2379", "--listen-peer-urls", "http://127.0.0.1:2380",
                "--initial-advertise-peer-urls", "http://127.0.0.1:2380", "--initial-cluster",
                "lnwt=http://127.0.0.1:2380").redirectErrorStream(true)
                .redirectOutput(ns.dir().resolve("etcd.log").toFile()).start();
        for (int i = 0; i < 200; i++) { // bounded: 20 s
            if (!etcd.isAlive()) {
                break;
            }
            if (Oracle.exec(etcdNs, "etcdctl", "--endpoints", ETCD_IP + ":2379", "--dial-timeout", "1s",
                    "endpoint", "health").ok()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("etcd did not answer: " + Files.readString(ns.dir().resolve("etcd.log")));
    }

    /**
     * The hosts, h1 first.
     *
     * @return their namespaces
     */
    public List<TestNs> hosts() {
        return hosts;
    }

    /**
     * Starts main in a JVM of its own, on the tests' class path, in host h's namespace, as a
     * real host runs its controller: a process of its own on the underlay. Its error output
     * is the test's.
     *
     * @param h    the host's index in {@link #hosts}
     * @param main the class whose main runs
     * @param args its arguments
     * @return the process, started
     * @throws java.io.IOException if it cannot be started
     */
    public Process java(int h, Class<?> main, String... args) throws java.io.IOException {
        List<String> cmd = new ArrayList<>(List.of("nsenter", "--net=" + hosts.get(h).path(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /**
     * etcd's namespace: a neighbour of the hosts on the underlay (192.168.77.100).
     *
     * @return its namespace
     */
    public TestNs etcdHost() {
        return etcdNs;
    }

    /**
     * etcd's own count of the unary requests it answered, by method (Range, Txn, Put...),
     * from its metrics.
     *
     * @return the counts
     */
    public java.util.Map<String, Long> requestsHandled() {
        String metrics = Oracle.out(etcdHost(), "curl", "-sf", "--max-time", "5",
                "http://192.168.77.100:2379/metrics");
        java.util.Map<String, Long> m = new java.util.HashMap<>();
        java.util.regex.Matcher x = java.util.regex.Pattern.compile(
                "(?m)^grpc_server_handled_total\\{[^}]*grpc_method=\"(\\w+)\"[^}]*grpc_type=\"unary\"[^}]*} (\\d+)$")
                .matcher(metrics);
        while (x.find()) {
            m.merge(x.group(1), Long.parseLong(x.group(2)), Long::sum);
        }
        return m;
    }

    /**
     * etcdctl, with the store's endpoint, run in etcd's namespace.
     *
     * @param args what follows the endpoint
     * @return what it printed
     */
    public Oracle.Result etcdctl(String... args) {
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints", ETCD_IP + ":2379"));
        cmd.addAll(List.of(args));
        return Oracle.exec(etcdNs, cmd.toArray(String[]::new));
    }

    /** Stops etcd (SIGTERM, then SIGKILL): for the tests of a store that is away. */
    public void stopEtcd() throws InterruptedException {
        if (etcd != null && etcd.isAlive()) {
            etcd.destroy();
            if (!etcd.waitFor(10, TimeUnit.SECONDS)) {
                etcd.destroyForcibly();
                etcd.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Freezes etcd (SIGSTOP) or thaws it (SIGCONT): a store that takes long to answer, with
     * its connections open. {@link #close} thaws it first.
     *
     * @param frozen true to freeze, false to thaw
     * @throws Exception if kill fails
     */
    public void freezeEtcd(boolean frozen) throws Exception {
        if (etcd != null && etcd.isAlive()) {
            Process k = new ProcessBuilder("kill", frozen ? "-STOP" : "-CONT", Long.toString(etcd.pid())).start();
            if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
                throw new IllegalStateException("kill " + (frozen ? "-STOP " : "-CONT ") + etcd.pid() + " failed");
            }
        }
    }

    /** Starts etcd again on the same data. */
    public void restartEtcd() throws Exception {
        stopEtcd();
        startEtcd();
    }

    @Override
    public void close() throws InterruptedException {
        try {
            freezeEtcd(false); // a frozen process takes no SIGTERM
        } catch (Exception e) {
            // stopEtcd's SIGKILL still ends it
        }
        stopEtcd();
    }
}
