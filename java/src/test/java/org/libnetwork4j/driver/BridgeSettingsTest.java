package org.libnetwork4j.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.Labels;
import org.libnetwork4j.driver.bridge.BridgeDriver;
import org.libnetwork4j.driver.bridge.BridgeSettings;

/** Docker's bridge options, parsed at the edge into a record (no root needed). */
class BridgeSettingsTest {
    private static BridgeSettings parse(Map<String, String> m) {
        return (BridgeSettings) new BridgeDriver(null, null, null).parseNetworkOptions(m);
    }

    @Test
    void defaultsAreDockers() {
        BridgeSettings s = parse(Map.of());
        assertTrue(s.enableIcc());
        assertTrue(s.enableIpMasquerade());
        assertEquals("0.0.0.0", s.hostBindingIpv4().getHostAddress());
        assertEquals(0, s.mtu());
        assertEquals(null, s.bridgeName());
    }

    @Test
    void everyKnownKey() {
        BridgeSettings s = parse(Map.of(Labels.BRIDGE_NAME, "br-x", Labels.ENABLE_ICC, "false",
                Labels.ENABLE_IP_MASQUERADE, "0", Labels.HOST_BINDING_IPV4, "127.0.0.1", Labels.MTU, "1400",
                Labels.DEFAULT_BRIDGE, "True"));
        assertEquals("br-x", s.bridgeName());
        assertFalse(s.enableIcc());
        assertFalse(s.enableIpMasquerade());
        assertEquals("127.0.0.1", s.hostBindingIpv4().getHostAddress());
        assertEquals(1400, s.mtu());
        assertTrue(s.defaultBridge());
    }

    @Test
    void badValuesNameTheKey() {
        var e = assertThrows(InvalidParameterException.class, () -> parse(Map.of(Labels.MTU, "huge")));
        assertEquals("invalid value \"huge\" for option \"com.docker.network.driver.mtu\": not an integer", e.getMessage());
        assertThrows(InvalidParameterException.class, () -> parse(Map.of(Labels.MTU, "10")));
        assertThrows(InvalidParameterException.class, () -> parse(Map.of(Labels.HOST_BINDING_IPV4, "::1")));
        assertThrows(InvalidParameterException.class, () -> parse(Map.of(Labels.BRIDGE_NAME, "with space")));
        var unknown = assertThrows(InvalidParameterException.class, () -> parse(Map.of("x", "y")));
        assertEquals("unknown option \"x\" for driver \"bridge\"", unknown.getMessage());
    }
}
