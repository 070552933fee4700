package org.libnetwork4j;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One subnet of a network, as {@code docker network create --subnet --ip-range --gateway
 * --aux-address} describe it. Every field may be null: no subnet means one from the default
 * pools; no gateway means the first address of the subnet.
 *
 * @param subnet       the subnet ({@code --subnet}), or null for one from the default pools
 * @param ipRange      the part of the subnet endpoints' addresses come from
 *                     ({@code --ip-range}), or null for the whole subnet
 * @param gateway      the gateway's address in the subnet ({@code --gateway}), or null
 * @param auxAddresses addresses reserved for devices outside libnetwork4j's control (never
 *                     handed to an endpoint), by name
 */
public record IpamConfig(IpPrefix subnet, IpPrefix ipRange, InetAddress gateway,
        Map<String, InetAddress> auxAddresses) {

    /**
     * Copies auxAddresses (null becomes empty) and checks that the gateway and aux addresses
     * lie in the subnet.
     *
     * @param subnet       the subnet, or null
     * @param ipRange      where addresses come from, or null; needs a subnet
     * @param gateway      the gateway, or null; in the subnet
     * @param auxAddresses reserved addresses by name, or null for none; in the subnet
     * @throws InvalidParameterException if one does not, or a gateway, ip-range or aux address
     *                                   is given without a subnet
     */
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

    /**
     * {@code --subnet CIDR}.
     *
     * @param cidr the subnet, e.g. {@code 10.1.0.0/24}
     * @return a configuration of that subnet alone
     * @throws InvalidParameterException if cidr is not a CIDR
     */
    public static IpamConfig subnet(String cidr) {
        return new IpamConfig(IpPrefix.parse(cidr), null, null, null);
    }

    /**
     * A builder with nothing set.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Whether this configures an IPv6 subnet.
     *
     * @return true if the subnet is given and IPv6; false without a subnet
     */
    public boolean isIpv6() {
        return subnet != null && !subnet.isIpv4();
    }

    /** Builds an {@link IpamConfig} from Docker's flag values (strings, validated here). */
    public static final class Builder {
        private IpPrefix subnet;
        private IpPrefix ipRange;
        private InetAddress gateway;
        private final Map<String, InetAddress> aux = new LinkedHashMap<>();

        /**
         * {@code --subnet}.
         *
         * @param cidr the subnet, e.g. {@code 10.1.0.0/24}
         * @return this builder
         * @throws InvalidParameterException if cidr is not a CIDR
         */
        public Builder subnet(String cidr) {
            this.subnet = IpPrefix.parse(cidr);
            return this;
        }

        /**
         * {@code --ip-range}: where in the subnet endpoints' addresses come from.
         *
         * @param cidr a prefix within the subnet, e.g. {@code 10.1.0.128/25}
         * @return this builder
         * @throws InvalidParameterException if cidr is not a CIDR
         */
        public Builder ipRange(String cidr) {
            this.ipRange = IpPrefix.parse(cidr);
            return this;
        }

        /**
         * {@code --gateway}.
         *
         * @param ip an address in the subnet, checked by {@link #build}
         * @return this builder
         * @throws InvalidParameterException if ip is not an IP address literal
         */
        public Builder gateway(String ip) {
            this.gateway = IpAddresses.parse(ip);
            return this;
        }

        /**
         * {@code --aux-address name=ip}: an address never handed to an endpoint.
         *
         * @param name what the address is for; a second address of the same name replaces the
         *             first
         * @param ip   an address in the subnet, checked by {@link #build}
         * @return this builder
         * @throws InvalidParameterException if ip is not an IP address literal
         */
        public Builder auxAddress(String name, String ip) {
            this.aux.put(name, IpAddresses.parse(ip));
            return this;
        }

        /**
         * Checks the settings and makes the configuration.
         *
         * @return the configuration
         * @throws InvalidParameterException if the gateway or an aux address lies outside the
         *                                   subnet, or a gateway, ip-range or aux address is
         *                                   set without a subnet
         */
        public IpamConfig build() {
            return new IpamConfig(subnet, ipRange, gateway, aux);
        }
    }
}
