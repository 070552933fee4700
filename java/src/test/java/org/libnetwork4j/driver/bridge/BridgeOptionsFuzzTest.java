package org.libnetwork4j.driver.bridge;

import java.util.LinkedHashMap;
import java.util.Map;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.code_intelligence.jazzer.mutation.annotation.WithUtf8Length;
import org.libnetwork4j.InvalidParameterException;

/**
 * A bridge network's driver options ({@code -o com.docker.network.bridge.name=...} and the
 * rest), as a user types them: settings or an InvalidParameterException naming the option,
 * never another exception. Parsing only: no bridge is made.
 */
class BridgeOptionsFuzzTest {
    private static final String[] KEYS = {"com.docker.network.bridge.name",
        "com.docker.network.bridge.enable_icc", "com.docker.network.bridge.enable_ip_masquerade",
        "com.docker.network.bridge.host_binding_ipv4", "com.docker.network.driver.mtu",
        "com.docker.network.bridge.default_bridge", "com.docker.network.host_ipv4", "other"};

    @FuzzTest(maxDuration = "8s")
    void bridgeOptions(byte key1, @NotNull @WithUtf8Length(max = 60) String value1, byte key2,
            @NotNull @WithUtf8Length(max = 60) String value2) {
        Map<String, String> options = new LinkedHashMap<>();
        options.put(KEYS[Math.floorMod(key1, KEYS.length)], value1);
        options.put(KEYS[Math.floorMod(key2, KEYS.length)], value2);
        try {
            BridgeSettings.parse(options);
        } catch (InvalidParameterException refused) {
            // a typed refusal is an answer
        }
    }
}
