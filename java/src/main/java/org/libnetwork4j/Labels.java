package org.libnetwork4j;

/**
 * Docker's option and label keys (libnetwork's {@code netlabel}), accepted as
 * {@code NetworkOptions.builder().option(KEY, "value")} exactly as {@code docker network
 * create -o KEY=value} takes them. They are parsed once, when the network is created, into
 * typed settings; an unknown key or a bad value is an {@link InvalidParameterException} that
 * names it.
 */
public final class Labels {
    private Labels() {
    }

    /** Bridge driver: the Linux bridge's name (default {@code br-<first 12 of the id>}). */
    public static final String BRIDGE_NAME = "com.docker.network.bridge.name";
    /** Bridge driver: containers on the bridge may talk to each other (default true). */
    public static final String ENABLE_ICC = "com.docker.network.bridge.enable_icc";
    /** Bridge driver: masquerade traffic from the subnet leaving the host (default true). */
    public static final String ENABLE_IP_MASQUERADE = "com.docker.network.bridge.enable_ip_masquerade";
    /** Bridge driver: default host address of published ports (default 0.0.0.0). */
    public static final String HOST_BINDING_IPV4 = "com.docker.network.bridge.host_binding_ipv4";
    /** Bridge driver: SNAT traffic leaving the host to this address instead of masquerading. */
    public static final String HOST_IPV4 = "com.docker.network.host_ipv4";
    /** Bridge driver: this is the default bridge (Docker's docker0); informational here. */
    public static final String DEFAULT_BRIDGE = "com.docker.network.bridge.default_bridge";
    /** MTU of the network's links. */
    public static final String MTU = "com.docker.network.driver.mtu";
    /** Prefix of the interface names in sandboxes (default "eth": eth0, eth1, ...). */
    public static final String CONTAINER_IFACE_PREFIX = "com.docker.network.container_iface_prefix";
    /** The network also has IPv6. */
    public static final String ENABLE_IPV6 = "com.docker.network.enable_ipv6";
    /** The network is internal: no default route, no masquerade, nothing to the uplink. */
    public static final String INTERNAL = "com.docker.network.internal";
    /** Where Docker's plugin protocol carries a network's driver options ({@code -o}). */
    public static final String GENERIC_DATA = "com.docker.network.generic";
    /** Where Docker's plugin protocol carries an endpoint's published ports. */
    public static final String PORT_MAP = "com.docker.network.portmap";

    /**
     * Docker's strconv.ParseBool: 1, t, T, TRUE, true, True and the same for false.
     *
     * @param key   the option's key, named in the error
     * @param value the option's value
     * @return the boolean it spells
     * @throws InvalidParameterException if value is none of those (null included)
     */
    public static boolean parseBool(String key, String value) {
        switch (value == null ? "" : value) {
            case "1", "t", "T", "TRUE", "true", "True":
                return true;
            case "0", "f", "F", "FALSE", "false", "False":
                return false;
            default:
                throw new InvalidParameterException("invalid value \"" + value + "\" for option \""
                        + key + "\": not a boolean");
        }
    }

    /**
     * A decimal integer in [min, max].
     *
     * @param key   the option's key, named in the error
     * @param value the option's value; surrounding whitespace is ignored
     * @param min   the smallest value allowed
     * @param max   the largest value allowed
     * @return the integer
     * @throws InvalidParameterException if value is not an int or lies outside [min, max]
     */
    public static int parseInt(String key, String value, int min, int max) {
        try {
            int v = Integer.parseInt(value == null ? "" : value.trim());
            if (v < min || v > max) {
                throw new InvalidParameterException("invalid value \"" + value + "\" for option \""
                        + key + "\": must be between " + min + " and " + max);
            }
            return v;
        } catch (NumberFormatException e) {
            throw new InvalidParameterException("invalid value \"" + value + "\" for option \""
                    + key + "\": not an integer");
        }
    }
}
