package org.libnetwork4j.driver.overlay;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.Labels;
import org.libnetwork4j.driver.NetworkSettings;

/**
 * An overlay network's settings, parsed from Docker's options.
 *
 * @param vnis the VNIs of its IPv4 subnets, in their order (Docker's
 *             {@value #VXLANID_LIST}); empty: one VNI from the driver's {@link VniAllocator}
 * @param mtu  of its bridge, VXLAN device and veths ({@link Labels#MTU}); 0 for the underlay's
 *             MTU minus the 50 bytes of VXLAN encapsulation
 */
public record OverlaySettings(List<Integer> vnis, int mtu) implements NetworkSettings {
    /** Docker's option: the VNIs of the network's IPv4 subnets, comma-separated, one each. */
    public static final String VXLANID_LIST = "com.docker.network.driver.overlay.vxlanid_list";
    /** The lowest VNI. */
    public static final int MIN_VNI = 1;
    /** The highest VNI: 24 bits. */
    public static final int MAX_VNI = 0xffffff;

    /**
     * Copies vnis into an immutable list.
     *
     * @param vnis the VNIs given, not null, possibly empty
     * @param mtu  the MTU given, 0 for the underlay's minus 50
     */
    public OverlaySettings {
        vnis = List.copyOf(vnis);
    }

    /**
     * Parses Docker's overlay options: {@value #VXLANID_LIST} and {@link Labels#MTU}.
     *
     * @param options the network's options
     * @return the settings
     * @throws InvalidParameterException naming an unknown option, a malformed list, a VNI out
     *         of 1..16777215 or given twice, or a bad MTU
     */
    static OverlaySettings parse(Map<String, String> options) {
        List<Integer> vnis = List.of();
        int mtu = 0;
        for (Map.Entry<String, String> e : options.entrySet()) {
            String k = e.getKey();
            switch (k) {
                case VXLANID_LIST -> vnis = parseVnis(k, e.getValue());
                case Labels.MTU -> mtu = Labels.parseInt(k, e.getValue(), 68, 65535);
                default -> throw new InvalidParameterException("unknown option \"" + k
                        + "\" for driver \"" + OverlayDriver.TYPE + "\"");
            }
        }
        return new OverlaySettings(vnis, mtu);
    }

    private static List<Integer> parseVnis(String key, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidParameterException("invalid value \"" + value + "\" for option \"" + key
                    + "\": a comma-separated list of VNIs");
        }
        List<Integer> out = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        // split with -1: "256," has an empty last element, which is an error, not nothing
        for (String part : value.split(",", -1)) {
            int v;
            try {
                v = Integer.parseInt(part.trim());
            } catch (NumberFormatException nan) {
                throw new InvalidParameterException("invalid value \"" + value + "\" for option \"" + key
                        + "\": \"" + part + "\" is not a VNI");
            }
            if (v < MIN_VNI || v > MAX_VNI) {
                throw new InvalidParameterException("invalid value \"" + value + "\" for option \"" + key
                        + "\": VNI " + v + " is not in " + MIN_VNI + ".." + MAX_VNI);
            }
            if (!seen.add(v)) {
                throw new InvalidParameterException("invalid value \"" + value + "\" for option \"" + key
                        + "\": VNI " + v + " is given twice");
            }
            out.add(v);
        }
        return out;
    }
}
