package org.libnetwork4j.driver.overlay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.driver.EndpointRequest;
import org.libnetwork4j.driver.JoinRequest;
import org.libnetwork4j.driver.JoinResult;
import org.libnetwork4j.driver.NetworkRequest;
import org.libnetwork4j.driver.Subnet;
import org.libnetwork4j.kernel.Addr;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.kernel.VethSpec;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.TestNs;

/**
 * Two fake hosts on one underlay (a veth pair, 192.168.77.1/24 and .2/24, MTU 1500), an
 * overlay driver on each, sharing one in-memory peer directory and VNI allocator. Closing it
 * deletes the networks the drivers still have and sweeps their run directories, also after a
 * failed test, before the test's namespaces go.
 */
final class TwoHosts implements AutoCloseable {
    static final String H1 = "192.168.77.1";
    static final String H2 = "192.168.77.2";

    final Namespaces ns;
    final TestNs host1;
    final TestNs host2;
    final MemoryPeerDirectory directory = new MemoryPeerDirectory();
    final MemoryVniAllocator vnis = new MemoryVniAllocator();
    final Path run1;
    final Path run2;
    OverlayDriver d1;
    OverlayDriver d2;
    private final Map<String, List<OverlayDriver>> created = new LinkedHashMap<>();

    TwoHosts(Namespaces ns) {
        this.ns = ns;
        host1 = ns.container("host1");
        host2 = ns.container("host2");
        var pair = host1.netlink().createVeth(VethSpec.of("lnwt-u1", "lnwt-u2").peerIn(host2.netlink()).up());
        host1.netlink().addAddr(Addr.of(pair.host().index(), H1 + "/24"));
        host2.netlink().addAddr(Addr.of(pair.peer().index(), H2 + "/24"));
        host2.netlink().setUp(pair.peer().index());
        run1 = ns.dir().resolve("overlay1");
        run2 = ns.dir().resolve("overlay2");
        d1 = driver(host1, run1, H1);
        d2 = driver(host2, run2, H2);
    }

    OverlayDriver driver(TestNs host, Path runDir, String advertise) {
        return new OverlayDriver(new TestHost(host), runDir, IpAddresses.parse(advertise), vnis, directory);
    }

    static String id(char c) {
        return String.valueOf(c).repeat(64);
    }

    static NetworkRequest request(OverlayDriver d, String id, String subnet, Map<String, String> options) {
        IpPrefix p = IpPrefix.parse(subnet);
        byte[] gw = p.address().getAddress();
        gw[3] = 1;
        return new NetworkRequest(id, "ov-" + id.substring(0, 4), d.parseNetworkOptions(options), false, false,
                List.of(new Subnet(p, IpAddresses.of(gw))), List.of());
    }

    /** The network on both hosts, as a cluster creates it everywhere. */
    void createOnBoth(String id, String subnet, Map<String, String> options) {
        create(d1, request(d1, id, subnet, options));
        create(d2, request(d2, id, subnet, options));
    }

    /** The same, dual stack: subnet6 beside the IPv4 subnet, its ::1 the gateway. */
    void createOnBoth(String id, String subnet, String subnet6, Map<String, String> options) {
        IpPrefix p6 = IpPrefix.parse(subnet6);
        byte[] gw6 = p6.address().getAddress();
        gw6[15] = 1;
        for (OverlayDriver d : List.of(d1, d2)) {
            NetworkRequest v4 = request(d, id, subnet, options);
            create(d, new NetworkRequest(v4.id(), v4.name(), v4.settings(), false, true, v4.v4(),
                    List.of(new Subnet(p6, IpAddresses.of(gw6)))));
        }
    }

    /** Two containers, one on each host. */
    record Pair(TestSandbox c1, TestSandbox c2) {
    }

    /**
     * Where most tests start: the network (10.77.0.0/24) on both hosts, container c1
     * (10.77.0.2) joined on host1 and c2 (10.77.0.3) on host2.
     */
    Pair oneOnEach(Namespaces ns, String networkId, Map<String, String> options) {
        createOnBoth(networkId, "10.77.0.0/24", options);
        TestSandbox c1 = new TestSandbox("c1", ns.container("c1"));
        TestSandbox c2 = new TestSandbox("c2", ns.container("c2"));
        join(d1, networkId, id('1'), "10.77.0.2", c1);
        join(d2, networkId, id('2'), "10.77.0.3", c2);
        return new Pair(c1, c2);
    }

    void create(OverlayDriver d, NetworkRequest req) {
        d.createNetwork(req);
        created.computeIfAbsent(req.id(), k -> new ArrayList<>()).add(d);
    }

    /**
     * Creates and joins an endpoint with address ip/24, then does what the controller does
     * with the interface in the sandbox: its address, up.
     */
    JoinResult join(OverlayDriver d, String networkId, String endpointId, String ip, TestSandbox sb) {
        return join(d, networkId, endpointId, ip, null, sb);
    }

    /** The same with a MAC asked for (null: the driver's choice). */
    JoinResult join(OverlayDriver d, String networkId, String endpointId, String ip, MacAddress mac, TestSandbox sb) {
        return join(d, networkId, endpointId, ip, null, mac, sb);
    }

    /** The same dual stack: ip6/64 too (null for none), without duplicate detection. */
    JoinResult join(OverlayDriver d, String networkId, String endpointId, String ip, String ip6, MacAddress mac,
            TestSandbox sb) {
        d.createEndpoint(new EndpointRequest(networkId, endpointId, IpPrefix.parse(ip + "/24"),
                ip6 == null ? null : IpPrefix.parse(ip6 + "/64"), mac, List.of(), false));
        JoinResult r = d.join(new JoinRequest(networkId, endpointId, sb, "eth", "sandbox=" + sb.id()));
        int index = ((JoinResult.Iface.InSandbox) r.iface()).index();
        sb.netlink().addAddr(Addr.of(index, ip + "/24"));
        if (ip6 != null) {
            sb.netlink().addAddr(Addr.of(index, ip6 + "/64").nodad());
        }
        sb.netlink().setUp(index);
        r.afterUp().run();
        r.finish().run(); // last, as the controller runs it once the whole join is done
        return r;
    }

    /** The network's namespace on a host, for the oracle. */
    static NsRef overlayNs(Path runDir, String networkId) {
        return NsRef.of(runDir.resolve("ov-" + networkId.substring(0, 12)));
    }

    /** Lines of this process's mountinfo under dir. */
    static List<String> mountsUnder(Path dir) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            if (line.contains(dir.toString())) {
                out.add(line);
            }
        }
        return out;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (var e : created.entrySet()) {
            for (OverlayDriver d : e.getValue()) {
                try {
                    d.deleteNetwork(e.getKey());
                } catch (RuntimeException x) {
                    failure = failure == null ? x : failure;
                }
            }
        }
        d1.close();
        d2.close();
        for (Path dir : List.of(run1, run2)) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (var files = Files.list(dir)) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    Netns.delete(p);
                }
            } catch (IOException | RuntimeException x) {
                failure = failure == null ? new IllegalStateException(x) : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
