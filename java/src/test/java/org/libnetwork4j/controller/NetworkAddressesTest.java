package org.libnetwork4j.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.IpamConfig;
import org.libnetwork4j.ipam.DefaultIpam;

/**
 * A dual-stack global network's addresses, without root or etcd: what the cluster is asked,
 * and how it learns whether an address is an endpoint's here (after a restart, of the spares
 * the cluster says this host holds, of either family).
 */
class NetworkAddressesTest {

    private static IpamConfig config(String subnet) {
        return new IpamConfig(IpPrefix.parse(subnet), null, null, java.util.Map.of());
    }

    @Test
    void whetherAnAddressIsUsedHereIsAskedOfThePoolOfItsOwnSubnet() {
        DefaultIpam ipam = new DefaultIpam(DefaultIpam.LOCAL_DEFAULTS, p -> false);
        NetworkAddresses local = NetworkAddresses.allocate(ipam, List.of(config("10.95.0.0/24")),
                List.of(config("fd95::/64")), true);
        List<InetAddress> given = List.of(IpAddresses.parse("10.95.0.7"), IpAddresses.parse("fd95::7"));
        List<Predicate<InetAddress>> asked = new java.util.ArrayList<>();
        NetworkAddresses global = local.sharedAs(fakeCluster(given, asked), "net");

        IpPrefix v4 = global.request(true, null);
        IpPrefix v6 = global.request(false, null);
        assertEquals("10.95.0.7/24", v4.toString());
        assertEquals("fd95::7/64", v6.toString());

        var usedHere = asked.get(0);
        assertTrue(usedHere.test(IpAddresses.parse("10.95.0.7")), "an endpoint's, IPv4");
        assertTrue(usedHere.test(IpAddresses.parse("fd95::7")), "an endpoint's, IPv6");
        assertFalse(usedHere.test(IpAddresses.parse("10.95.0.8")), "free here, IPv4");
        assertFalse(usedHere.test(IpAddresses.parse("fd95::8")), "free here, IPv6");
        assertFalse(usedHere.test(IpAddresses.parse("10.96.0.8")), "of no subnet of the network's");
        // asking took nothing: the free ones are still free
        assertEquals("10.95.0.8", IpAddresses.format(ipam.requestAddress(global.of(true).poolId(),
                IpAddresses.parse("10.95.0.8"))));
        assertEquals("fd95::8", IpAddresses.format(ipam.requestAddress(global.of(false).poolId(),
                IpAddresses.parse("fd95::8"))));
    }

    /**
     * A cluster that gives the addresses listed, in order, and keeps each usedHere it was asked
     * with; nothing else of it is called here.
     */
    @SuppressWarnings("unchecked")
    private static Shared fakeCluster(List<InetAddress> given, List<Predicate<InetAddress>> asked) {
        return (Shared) Proxy.newProxyInstance(Shared.class.getClassLoader(), new Class<?>[] {Shared.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "take" -> {
                        asked.add((Predicate<InetAddress>) args[4]);
                        yield given.get(asked.size() - 1);
                    }
                    case "settle", "give" -> null;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
