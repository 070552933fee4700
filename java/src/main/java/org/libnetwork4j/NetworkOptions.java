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
 * @param options        driver options, Docker's {@code -o key=value} (see {@link Labels});
 *                       parsed and checked when the network is created
 * @param labels         free-form metadata, kept and reported, never interpreted
 */
public record NetworkOptions(List<IpamConfig> ipam, boolean enableIpv6, boolean internal,
        Map<String, String> options, Map<String, String> labels) {

    public NetworkOptions {
        ipam = List.copyOf(ipam);
        options = Map.copyOf(options);
        labels = Map.copyOf(labels);
    }

    public static NetworkOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private final List<IpamConfig> ipam = new ArrayList<>();
        private boolean enableIpv6;
        private boolean internal;
        private final Map<String, String> options = new LinkedHashMap<>();
        private final Map<String, String> labels = new LinkedHashMap<>();

        public Builder ipam(IpamConfig config) {
            ipam.add(config);
            return this;
        }

        /** Shorthand for {@code ipam(IpamConfig.subnet(cidr))}. */
        public Builder subnet(String cidr) {
            return ipam(IpamConfig.subnet(cidr));
        }

        public Builder enableIpv6(boolean on) {
            this.enableIpv6 = on;
            return this;
        }

        public Builder internal(boolean on) {
            this.internal = on;
            return this;
        }

        /** A driver option, as {@code -o key=value}. */
        public Builder option(String key, String value) {
            options.put(key, value);
            return this;
        }

        public Builder options(Map<String, String> all) {
            options.putAll(all);
            return this;
        }

        public Builder label(String key, String value) {
            labels.put(key, value);
            return this;
        }

        public NetworkOptions build() {
            return new NetworkOptions(ipam, enableIpv6, internal, options, labels);
        }
    }
}
