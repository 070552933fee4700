package org.libnetwork4j.firewall;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.PortMapping;
import org.libnetwork4j.Protocol;

/**
 * Firewall states for each combination of network and port options, shared by the golden-file
 * test (pure Java) and the test that loads them into a kernel.
 */
final class Scenarios {
    static final String NET_A = "a".repeat(64);
    static final String NET_B = "b".repeat(64);
    static final String EP_1 = "1".repeat(64);
    static final String EP_2 = "2".repeat(64);

    private Scenarios() {
    }

    static NetworkRules network(String id, String bridge, boolean internal, boolean masquerade, String snat,
            boolean icc, String... subnetsAndGateways) {
        List<IpPrefix> subnets = new java.util.ArrayList<>();
        List<InetAddress> gateways = new java.util.ArrayList<>();
        for (int i = 0; i + 1 < subnetsAndGateways.length; i += 2) {
            subnets.add(IpPrefix.parse(subnetsAndGateways[i]));
            gateways.add(IpAddresses.parse(subnetsAndGateways[i + 1]));
        }
        return new NetworkRules(id, bridge, internal, masquerade, snat == null ? null : IpAddresses.parse(snat),
                icc, subnets, gateways, true);
    }

    static NetworkRules plainA() {
        return network(NET_A, "br-aaaaaaaaaaaa", false, true, null, true, "172.18.0.0/16", "172.18.0.1");
    }

    static PortMapping port(String hostIp, int hostPort, String containerIp, int containerPort, Protocol p) {
        return new PortMapping(hostIp == null ? null : IpAddresses.parse(hostIp), hostPort,
                IpAddresses.parse(containerIp), containerPort, p);
    }

    /** Name to state, in a fixed order; each name is a golden file. */
    static Map<String, FirewallState> all() {
        Map<String, FirewallState> m = new LinkedHashMap<>();
        m.put("empty", state(s -> { }));
        m.put("bridge-masquerade", state(s -> s.putNetwork(plainA())));
        m.put("bridge-no-masquerade", state(s -> s.putNetwork(
                network(NET_A, "br-aaaaaaaaaaaa", false, false, null, true, "172.18.0.0/16", "172.18.0.1"))));
        m.put("bridge-host-ipv4", state(s -> s.putNetwork(
                network(NET_A, "br-aaaaaaaaaaaa", false, true, "192.0.2.10", true, "172.18.0.0/16", "172.18.0.1"))));
        m.put("bridge-internal", state(s -> s.putNetwork(
                network(NET_A, "br-aaaaaaaaaaaa", true, true, null, true, "172.18.0.0/16", "172.18.0.1"))));
        m.put("bridge-icc-off", state(s -> s.putNetwork(
                network(NET_A, "br-aaaaaaaaaaaa", false, true, null, false, "172.18.0.0/16", "172.18.0.1"))));
        m.put("bridge-ipv6", state(s -> {
            s.putNetwork(network(NET_A, "br-aaaaaaaaaaaa", false, true, null, true,
                    "172.18.0.0/16", "172.18.0.1", "fd00:db8::/64", "fd00:db8::1"));
            s.publish(EP_1, List.of(port(null, 8080, "172.18.0.2", 80, Protocol.TCP),
                    port(null, 8080, "fd00:db8::2", 80, Protocol.TCP)));
        }));
        m.put("published-ports", state(s -> {
            s.putNetwork(plainA());
            s.publish(EP_1, List.of(port(null, 8080, "172.18.0.2", 80, Protocol.TCP),
                    port(null, 5353, "172.18.0.2", 53, Protocol.UDP),
                    port(null, 3868, "172.18.0.2", 3868, Protocol.SCTP),
                    port("127.0.0.1", 5432, "172.18.0.2", 5432, Protocol.TCP),
                    port("::1", 5432, "fd00:db8::2", 5432, Protocol.TCP)));
        }));
        m.put("two-networks", state(s -> {
            // inserted out of order: the render is sorted, so the text does not depend on history
            s.putNetwork(network(NET_B, "br-bbbbbbbbbbbb", false, true, null, false, "172.19.0.0/16", "172.19.0.1"));
            s.putNetwork(plainA());
            s.publish(EP_2, List.of(port(null, 9090, "172.19.0.2", 90, Protocol.TCP)));
            s.publish(EP_1, List.of(port(null, 8080, "172.18.0.2", 80, Protocol.TCP)));
        }));
        return m;
    }

    private static FirewallState state(Consumer<FirewallState> setup) {
        FirewallState s = new FirewallState();
        setup.accept(s);
        return s;
    }
}
