package org.libnetwork4j.driver.bridge;

import java.net.InetAddress;
import java.util.Map;

import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.Labels;
import org.libnetwork4j.driver.NetworkSettings;

/**
 * A bridge network's settings, parsed from Docker's options.
 *
 * @param bridgeName         the Linux bridge, or null for {@code br-<first 12 of the id>}
 * @param enableIcc          containers on the bridge may reach each other
 * @param enableIpMasquerade traffic from the subnet leaving the host is masqueraded
 * @param hostBindingIpv4    the default host address of published ports
 * @param mtu                of the bridge and the veths; 0 for the kernel's default
 * @param snatIpv4           SNAT leaving traffic to this address instead of masquerading, or null
 */
public record BridgeSettings(String bridgeName, boolean enableIcc, boolean enableIpMasquerade,
        InetAddress hostBindingIpv4, int mtu, boolean defaultBridge, InetAddress snatIpv4)
        implements NetworkSettings {

    static BridgeSettings parse(Map<String, String> options) {
        String name = null;
        boolean icc = true;
        boolean masq = true;
        InetAddress binding = IpAddresses.parse("0.0.0.0");
        int mtu = 0;
        boolean dflt = false;
        InetAddress snat = null;
        for (Map.Entry<String, String> e : options.entrySet()) {
            String k = e.getKey();
            String v = e.getValue();
            switch (k) {
                case Labels.BRIDGE_NAME -> name = checkName(k, v);
                case Labels.ENABLE_ICC -> icc = Labels.parseBool(k, v);
                case Labels.ENABLE_IP_MASQUERADE -> masq = Labels.parseBool(k, v);
                case Labels.HOST_BINDING_IPV4 -> binding = ipv4(k, v);
                case Labels.HOST_IPV4 -> snat = ipv4(k, v);
                case Labels.MTU -> mtu = Labels.parseInt(k, v, 68, 65535);
                case Labels.DEFAULT_BRIDGE -> dflt = Labels.parseBool(k, v);
                default -> throw new InvalidParameterException("unknown option \"" + k
                        + "\" for driver \"bridge\"");
            }
        }
        return new BridgeSettings(name, icc, masq, binding, mtu, dflt, snat);
    }

    private static InetAddress ipv4(String key, String v) {
        InetAddress a;
        try {
            a = IpAddresses.parse(v);
        } catch (InvalidParameterException ex) {
            throw new InvalidParameterException("invalid value \"" + v + "\" for option \"" + key
                    + "\": not an IP address");
        }
        if (a.getAddress().length != 4) {
            throw new InvalidParameterException("invalid value \"" + v + "\" for option \"" + key
                    + "\": not an IPv4 address");
        }
        return a;
    }

    private static String checkName(String key, String v) {
        if (v == null || v.isEmpty() || v.length() > 15 || !v.matches("[A-Za-z0-9_.-]+")
                || v.equals(".") || v.equals("..")) {
            throw new InvalidParameterException("invalid value \"" + v + "\" for option \"" + key
                    + "\": an interface name of 1 to 15 letters, digits, '_', '.' or '-'");
        }
        return v;
    }
}
