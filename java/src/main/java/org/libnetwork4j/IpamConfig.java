package org.libnetwork4j;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One subnet of a network, as {@code docker network create --subnet --ip-range --gateway
 * --aux-address} describe it. Every field may be null: no subnet means one from the default
 * pools; no gateway means the first address of the subnet.
 *
 * @param auxAddresses addresses reserved for devices outside libnetwork4j's control (never
 *                     handed to an endpoint), by name
 */
public record IpamConfig(IpPrefix subnet, IpPrefix ipRange, InetAddress gateway,
        Map<String, InetAddress> auxAddresses) {

    public IpamConfig {
        auxAddresses = auxAddresses == null ? Map.of() : Map.copyOf(auxAddresses);
        if (subnet != null) {
            if (gateway != null && !subnet.contains(gateway)) {
                throw new InvalidParameterException("gateway " + IpAddresses.format(gateway)
                        + " is not in subnet " + subnet);
            }
            for (var e : auxAddresses.entrySet()) {
                if (!subnet.contains(e.getValue())) {
                    throw new InvalidParameterException("aux address " + e.getKey() + "="
                            + IpAddresses.format(e.getValue()) + " is not in subnet " + subnet);
                }
            }
        } else if (gateway != null || ipRange != null || !auxAddresses.isEmpty()) {
            throw new InvalidParameterException("a gateway, ip-range or aux address needs a subnet");
        }
    }

    /** {@code --subnet CIDR}. */
    public static IpamConfig subnet(String cidr) {
        return new IpamConfig(IpPrefix.parse(cidr), null, null, null);
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean isIpv6() {
        return subnet != null && !subnet.isIpv4();
    }

    /** Builds an {@link IpamConfig} from Docker's flag values (strings, validated here). */
    public static final class Builder {
        private IpPrefix subnet;
        private IpPrefix ipRange;
        private InetAddress gateway;
        private final Map<String, InetAddress> aux = new LinkedHashMap<>();

        public Builder subnet(String cidr) {
            this.subnet = IpPrefix.parse(cidr);
            return this;
        }

        public Builder ipRange(String cidr) {
            this.ipRange = IpPrefix.parse(cidr);
            return this;
        }

        public Builder gateway(String ip) {
            this.gateway = IpAddresses.parse(ip);
            return this;
        }

        public Builder auxAddress(String name, String ip) {
            this.aux.put(name, IpAddresses.parse(ip));
            return this;
        }

        public IpamConfig build() {
            return new IpamConfig(subnet, ipRange, gateway, aux);
        }
    }
}
