package org.libnetwork4j.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.kernel.Addr;
import org.libnetwork4j.kernel.BridgeSpec;
import org.libnetwork4j.kernel.InPlaceFile;
import org.libnetwork4j.kernel.Link;
import org.libnetwork4j.kernel.LinkChange;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.kernel.Route;
import org.libnetwork4j.kernel.VethSpec;

/**
 * What the attach benchmarks share with native/bench/attach_bench.c, step for step: an
 * anonymous fake host with a bridge and the gateway 10.200.0.1/16, and sandboxes (namespace,
 * handle, loopback up, a directory with a hosts file and a resolv.conf) named under a private
 * run directory ({@link Bench#runRoot}). Nothing touches the machine's own namespace.
 */
final class FakeHost implements AutoCloseable {
    static final String GATEWAY = "10.200.0.1";
    private static final java.net.InetAddress GATEWAY_IP = IpAddresses.parse(GATEWAY);
    // the controller's files, as attach_bench.c has them: the host's nameserver at the
    // sandbox's birth, the network's resolver once joined; the hosts file without a hostname
    private static final byte[] HOST_RESOLV = "nameserver 192.0.2.53\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NET_RESOLV = ("nameserver " + GATEWAY + "\noptions ndots:0\n")
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HOSTS = ("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
            + "fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n")
            .getBytes(StandardCharsets.US_ASCII);

    final Path runDir = Bench.runRoot().resolve("lnw-bench-" + ProcessHandle.current().pid());
    final Netns host = Netns.create();
    final Netlink hostNl = Netlink.open(host);
    final Link bridge;
    private int seq;

    FakeHost() {
        // an address of its own, as the bridge driver and the C floor give theirs
        bridge = hostNl.createBridge(BridgeSpec.of("lnwb-br0").up()
                .mac(org.libnetwork4j.MacAddress.parse("02:6c:6e:77:00:01")));
        hostNl.addAddr(Addr.of(bridge.index(), GATEWAY + "/16"));
    }

    /** A container namespace, its netlink handle, loopback up: a sandbox before a join. */
    final class Sandbox implements AutoCloseable {
        final int n = seq++;
        final Netns ns = Netns.createAt(runDir, "lnwb-" + n);
        final Netlink nl = Netlink.open(ns);
        final Path dir = runDir.resolve("lnwb-" + n + ".d");
        final Path resolvConf = dir.resolve("resolv.conf");

        Sandbox() {
            try {
                nl.setUp(1); // lo is ifindex 1 in a new namespace
                Files.createDirectory(dir);
                InPlaceFile.rewrite(dir.resolve("hosts"), HOSTS);
                InPlaceFile.rewrite(resolvConf, HOST_RESOLV);
            } catch (IOException | RuntimeException e) {
                try {
                    close();
                } catch (RuntimeException again) {
                    e.addSuppressed(again);
                }
                throw e instanceof IOException io ? new java.io.UncheckedIOException(io) : (RuntimeException) e;
            }
        }

        /**
         * The attach: veth into the sandbox as eth0 (with its MAC) on the bridge, the host end's
         * alias and no IPv6 link-local on it, none on eth0 either, address, up, route, and the
         * host end and the bridge settled (their queues attached now, as the bridge driver and
         * the C floor do), then resolv.conf rewritten to name the network's resolver.
         */
        void attach() {
            int host = n + 2;
            var mac = org.libnetwork4j.MacAddress.of(new byte[] {0x02, 0x42, 10, (byte) 200, (byte) (host >> 8),
                (byte) host});
            var pair = hostNl.createVeth(VethSpec.of("lnwb-v" + n, "eth0")
                    .peerIn(nl).master(bridge.index()).up().peerMac(mac));
            hostNl.change(pair.host().index(), LinkChange.NONE.alias(label(n)).ipv6LinkLocal(false));
            int eth0 = pair.peer().index();
            nl.setIpv6LinkLocal(eth0, false); // as the controller: no link-local before up
            nl.addAddr(Addr.of(eth0, address(200, host)));
            nl.setUp(eth0);
            nl.addRoute(Route.defaultVia(GATEWAY_IP, eth0));
            hostNl.settle("lnwb-v" + n);
            hostNl.settle(bridge.name());
            InPlaceFile.rewrite(resolvConf, NET_RESOLV);
        }

        /** The detach: the kernel takes the pair away with the namespace; the files go. */
        @Override
        public void close() {
            try {
                nl.close();
                ns.delete();
            } finally {
                try {
                    Files.deleteIfExists(dir.resolve("hosts"));
                    Files.deleteIfExists(resolvConf);
                    Files.deleteIfExists(dir);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
    }

    /**
     * The host end's label of attach n, as long as the controller's (two 64-digit ids and the
     * join's priority). Not String.format: its formatter (a locale's digits looked up, the
     * pattern parsed) cost ~9 % of the facade's attach in a profile, which the controller's own
     * label (JoinLabel) does not pay.
     */
    static String label(int n) {
        String digits = Integer.toString(n);
        String id = "0".repeat(64 - digits.length()) + digits;
        return "lnw4j endpoint=" + id + " sandbox=" + id + " priority=0";
    }

    /**
     * 10.second.(n / 256).(n % 256)/16, built from bytes as the controller has its addresses
     * from IPAM: not parsed from text inside a timed attach.
     */
    static org.libnetwork4j.IpPrefix address(int second, int n) {
        return new org.libnetwork4j.IpPrefix(IpAddresses.of(new byte[] {10, (byte) second, (byte) (n >> 8),
            (byte) n}), 16);
    }

    Sandbox newSandbox() {
        return new Sandbox();
    }

    @Override
    public void close() throws IOException {
        hostNl.close();
        host.close();
        Files.deleteIfExists(runDir);
    }
}
