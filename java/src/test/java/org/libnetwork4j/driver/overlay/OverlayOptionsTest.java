package org.libnetwork4j.driver.overlay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.Labels;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.driver.NetworkRequest;
import org.libnetwork4j.driver.Subnet;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;

/** Bad options and requests are refused, naming what is wrong, before anything is made. */
@ExtendWith(NetnsExtension.class)
class OverlayOptionsTest {
    private static final String NET = TwoHosts.id('a');

    @Test
    void vxlanIdListIsParsed() {
        OverlaySettings s = OverlaySettings.parse(Map.of(OverlaySettings.VXLANID_LIST, "256, 4097,16777215"));
        assertEquals(List.of(256, 4097, 16777215), s.vnis());
        assertEquals(0, s.mtu());
        assertEquals(1400, OverlaySettings.parse(Map.of(Labels.MTU, "1400")).mtu());
        assertEquals(List.of(), OverlaySettings.parse(Map.of()).vnis());
    }

    @Test
    void badValuesNameTheOption() {
        for (String bad : List.of("0", "16777216", "-1", "abc", "", "256,", ",256", "256;257", "256,256", "1 2")) {
            var e = assertThrows(InvalidParameterException.class,
                    () -> OverlaySettings.parse(Map.of(OverlaySettings.VXLANID_LIST, bad)), bad);
            assertTrue(e.getMessage().contains(OverlaySettings.VXLANID_LIST), e.getMessage());
        }
        var mtu = assertThrows(InvalidParameterException.class, () -> OverlaySettings.parse(Map.of(Labels.MTU, "9")));
        assertTrue(mtu.getMessage().contains(Labels.MTU), mtu.getMessage());
        var unknown = assertThrows(InvalidParameterException.class,
                () -> OverlaySettings.parse(Map.of("com.docker.network.driver.overlay.encrypted", "")));
        assertTrue(unknown.getMessage().contains("encrypted"), unknown.getMessage());
    }

    @Test
    void aPeerOutOfRangeIsRefused() {
        assertThrows(InvalidParameterException.class, () -> new Peer(NET, 0, IpAddresses.parse("10.0.0.1"),
                org.libnetwork4j.MacAddress.parse("02:42:0a:00:00:01"), IpAddresses.parse("192.168.77.1")));
    }

    @Test
    void requestsTheDriverCannotServeLeaveNothing(Namespaces ns) throws Exception {
        try (TwoHosts w = new TwoHosts(ns)) {
            // two IPv4 subnets, one VNI
            NetworkRequest two = new NetworkRequest(NET, "two", w.d1.parseNetworkOptions(
                    Map.of(OverlaySettings.VXLANID_LIST, "300")), false, false,
                    List.of(subnet("10.77.0.0/24", "10.77.0.1"), subnet("10.78.0.0/24", "10.78.0.1")), List.of());
            var e = assertThrows(InvalidParameterException.class, () -> w.d1.createNetwork(two));
            assertTrue(e.getMessage().contains(OverlaySettings.VXLANID_LIST), e.getMessage());
            // two subnets and no list: the allocator gives one VNI per network
            NetworkRequest noList = new NetworkRequest(NET, "two", w.d1.parseNetworkOptions(Map.of()), false, false,
                    two.v4(), List.of());
            e = assertThrows(InvalidParameterException.class, () -> w.d1.createNetwork(noList));
            assertTrue(e.getMessage().contains(OverlaySettings.VXLANID_LIST), e.getMessage());

            // no link holds the advertise address: refused before a VNI is taken for good
            OverlayDriver lost = w.driver(w.host1, w.run1, "192.168.99.1");
            NetworkRequest req = TwoHosts.request(lost, NET, "10.77.0.0/24", Map.of());
            assertThrows(NotFoundException.class, () -> lost.createNetwork(req));

            assertEquals(0, w.directory.watchers(NET));
            assertEquals(MemoryVniAllocator.DEFAULT_FIRST, w.vnis.allocate(TwoHosts.id('z')), "no VNI was kept");
            assertTrue(!Files.exists(w.run1) || Files.list(w.run1).findAny().isEmpty());
            assertThrows(NotFoundException.class, () -> w.d1.networkState(NET));
        }
    }

    @Test
    void twoNetworksCannotShareAVni(Namespaces ns) {
        try (TwoHosts w = new TwoHosts(ns)) {
            Map<String, String> o = Map.of(OverlaySettings.VXLANID_LIST, "300");
            w.create(w.d1, TwoHosts.request(w.d1, NET, "10.77.0.0/24", o));
            var e = assertThrows(org.libnetwork4j.ForbiddenException.class,
                    () -> w.d1.createNetwork(TwoHosts.request(w.d1, TwoHosts.id('b'), "10.78.0.0/24", o)));
            assertTrue(e.getMessage().contains("300"), e.getMessage());
            assertEquals(0, w.directory.watchers(TwoHosts.id('b')));
        }
    }

    private static Subnet subnet(String prefix, String gw) {
        return new Subnet(IpPrefix.parse(prefix), IpAddresses.parse(gw));
    }
}
