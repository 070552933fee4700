package org.libnetwork4j;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How to create a network: {@code NetworkOptions.builder().ipam(IpamConfig.subnet("10.1.0.0/24"))
 * .option(Labels.BRIDGE_NAME, "br1").build()}.
 *
 * @param ipam           subnets (IPv4 and, with {@code enableIpv6}, IPv6); empty: one IPv4
 *                       subnet from the default pools
 * @param enableIpv6     the network also has IPv6 ({@code --ipv6}); option
 *                       {@link Labels#ENABLE_IPV6}, if given, overrides it
 * @param internal       the network is internal ({@code --internal}: no default route, no
 *                       masquerade); option {@link Labels#INTERNAL}, if given, overrides it
 * @param options        driver options, Docker's {@code -o key=value} (see {@link Labels});
 *                       parsed and checked when the network is created
 * @param labels         free-form metadata, kept and reported, never interpreted
 * @param ipamDriver     the IPAM driver ({@code --ipam-driver}): a Docker IPAM plugin's name,
 *                       or null for the controller's own ("default" and empty mean the same,
 *                       and are kept as null)
 * @param ipamOptions    the IPAM driver's options ({@code --ipam-opt}), passed to a plugin's
 *                       RequestPool; empty for none
 */
public record NetworkOptions(List<IpamConfig> ipam, boolean enableIpv6, boolean internal,
        Map<String, String> options, Map<String, String> labels, String ipamDriver,
        Map<String, String> ipamOptions) {

    /** The name Docker gives the built-in IPAM driver. */
    public static final String DEFAULT_IPAM = "default";

    /**
     * Copies the list and maps.
     *
     * @param ipam        subnets, not null; empty for one from the default pools
     * @param enableIpv6  whether the network has IPv6
     * @param internal    whether the network is internal
     * @param options     driver options, not null
     * @param labels      labels, not null
     * @param ipamDriver  the IPAM plugin's name, or null, empty or "default" for the
     *                    controller's own
     * @param ipamOptions the IPAM driver's options; null (a record stored before IPAM plugins)
     *                    for none
     * @throws NullPointerException if one of them, or an element, key or value, is null
     */
    public NetworkOptions {
        ipam = List.copyOf(ipam);
        options = Map.copyOf(options);
        labels = Map.copyOf(labels);
        // one spelling of "the controller's own", so that callers test for null only
        ipamDriver = ipamDriver == null || ipamDriver.isEmpty() || ipamDriver.equals(DEFAULT_IPAM) ? null : ipamDriver;
        ipamOptions = ipamOptions == null ? Map.of() : Map.copyOf(ipamOptions);
    }

    /**
     * Options with the controller's own IPAM, as before IPAM plugins.
     *
     * @param ipam       subnets, not null; empty for one from the default pools
     * @param enableIpv6 whether the network has IPv6
     * @param internal   whether the network is internal
     * @param options    driver options, not null
     * @param labels     labels, not null
     * @throws NullPointerException if one of them, or an element, key or value, is null
     */
    public NetworkOptions(List<IpamConfig> ipam, boolean enableIpv6, boolean internal,
            Map<String, String> options, Map<String, String> labels) {
        this(ipam, enableIpv6, internal, options, labels, null, Map.of());
    }

    /**
     * No subnet given, no IPv6, not internal, no options, no labels.
     *
     * @return the default options
     */
    public static NetworkOptions defaults() {
        return builder().build();
    }

    /**
     * A builder starting from {@link #defaults()}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds {@link NetworkOptions}; subnets are parsed as they are set, driver options only
     * when the network is created.
     */
    public static final class Builder {
        private final List<IpamConfig> ipam = new ArrayList<>();
        private boolean enableIpv6;
        private boolean internal;
        private final Map<String, String> options = new LinkedHashMap<>();
        private final Map<String, String> labels = new LinkedHashMap<>();
        private String ipamDriver;
        private final Map<String, String> ipamOptions = new LinkedHashMap<>();

        /**
         * Adds a subnet ({@code --subnet}, {@code --ip-range}, {@code --gateway},
         * {@code --aux-address}).
         *
         * @param config the subnet's configuration
         * @return this builder
         */
        public Builder ipam(IpamConfig config) {
            ipam.add(config);
            return this;
        }

        /**
         * Shorthand for {@code ipam(IpamConfig.subnet(cidr))}.
         *
         * @param cidr the subnet, e.g. {@code 10.1.0.0/24}
         * @return this builder
         * @throws InvalidParameterException if cidr is not a CIDR
         */
        public Builder subnet(String cidr) {
            return ipam(IpamConfig.subnet(cidr));
        }

        /**
         * Whether the network also has IPv6 ({@code --ipv6}; default false).
         *
         * @param on true for IPv6
         * @return this builder
         */
        public Builder enableIpv6(boolean on) {
            this.enableIpv6 = on;
            return this;
        }

        /**
         * Whether the network is internal ({@code --internal}; default false).
         *
         * @param on true for no default route and no masquerade
         * @return this builder
         */
        public Builder internal(boolean on) {
            this.internal = on;
            return this;
        }

        /**
         * A driver option, as {@code -o key=value}.
         *
         * @param key   the option, e.g. {@link Labels#BRIDGE_NAME}; a second value replaces
         *              the first
         * @param value its value, parsed when the network is created
         * @return this builder
         */
        public Builder option(String key, String value) {
            options.put(key, value);
            return this;
        }

        /**
         * Driver options, as {@link #option} each.
         *
         * @param all the options by key
         * @return this builder
         */
        public Builder options(Map<String, String> all) {
            options.putAll(all);
            return this;
        }

        /**
         * A label ({@code --label key=value}), kept and reported, never interpreted.
         *
         * @param key   the label's key; a second value replaces the first
         * @param value its value
         * @return this builder
         */
        public Builder label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        /**
         * The IPAM driver ({@code --ipam-driver}; default null: the controller's own).
         *
         * @param name a Docker IPAM plugin's name, found and activated when the network is
         *             created; null, empty or "default" for the controller's own
         * @return this builder
         */
        public Builder ipamDriver(String name) {
            this.ipamDriver = name;
            return this;
        }

        /**
         * An IPAM driver option ({@code --ipam-opt key=value}), sent with the plugin's
         * RequestPool.
         *
         * @param key   the option; a second value replaces the first
         * @param value its value
         * @return this builder
         */
        public Builder ipamOption(String key, String value) {
            ipamOptions.put(key, value);
            return this;
        }

        /**
         * IPAM driver options, as {@link #ipamOption} each.
         *
         * @param all the options by key
         * @return this builder
         */
        public Builder ipamOptions(Map<String, String> all) {
            ipamOptions.putAll(all);
            return this;
        }

        /**
         * Makes the options; driver options are checked when the network is created.
         *
         * @return the options
         * @throws NullPointerException if a subnet, or an option's or label's key or value, is
         *                              null
         */
        public NetworkOptions build() {
            return new NetworkOptions(ipam, enableIpv6, internal, options, labels, ipamDriver, ipamOptions);
        }
    }
}
