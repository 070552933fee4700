package org.libnetwork4j;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * How to create an endpoint: {@code EndpointOptions.builder().ipv4("10.1.0.5").build()}.
 *
 * @param ipv4 a static IPv4 address in the network's subnet, or null for the lowest free one
 * @param ipv6 a static IPv6 address, or null
 * @param mac  the interface's MAC, or null for Docker's 02:42 + IPv4 address
 * @param ports published ports ({@code -p}); they go live while the endpoint is its sandbox's
 *              gateway endpoint
 * @param aliases other names of the endpoint's sandbox on this network ({@code --alias}): the
 *              controller's DNS resolver answers them, as it does the container's name, to the
 *              sandboxes on the network; they are also written, with the endpoint's addresses,
 *              into those sandboxes' hosts files (as Docker's legacy links did), which serve
 *              where no resolver runs; for as long as the endpoint is joined
 * @param hostPortsHeldByCaller whether the caller binds the published host ports itself, as
 *              podman and CRI-O do for each container they run with CNI: the controller then
 *              programs the ports' DNAT and keeps them apart from its other endpoints' ports,
 *              but binds no socket of its own to hold them (which would make the caller's bind
 *              fail), as CNI's portmap plugin does. By default (false) the controller holds
 *              each host port with a bound socket, and a port some program already listens on
 *              is refused.
 */
public record EndpointOptions(InetAddress ipv4, InetAddress ipv6, MacAddress mac, List<PortBinding> ports,
        List<String> aliases, boolean hostPortsHeldByCaller) {

    /**
     * Copies ports and aliases (null aliases become none) and checks the aliases and the
     * addresses' families.
     *
     * @param ipv4                  a static IPv4 address, or null
     * @param ipv6                  a static IPv6 address, or null
     * @param mac                   the MAC, or null
     * @param ports                 ports to publish, not null
     * @param aliases               other names, valid host names; null for none
     * @param hostPortsHeldByCaller whether the caller binds the host ports itself
     * @throws InvalidParameterException if an alias is not a valid host name, ipv4 is not an
     *                                   IPv4 address or ipv6 not an IPv6 one
     */
    public EndpointOptions {
        ports = List.copyOf(ports);
        aliases = aliases == null ? List.of() : List.copyOf(aliases);
        for (String a : aliases) {
            SandboxOptions.checkName("alias", a);
        }
        if (ipv4 != null && IpPrefix.bits(ipv4) != 32) {
            throw new InvalidParameterException("ipv4 address " + IpAddresses.format(ipv4) + " is not IPv4");
        }
        if (ipv6 != null && IpPrefix.bits(ipv6) != 128) {
            throw new InvalidParameterException("ipv6 address " + IpAddresses.format(ipv6) + " is not IPv6");
        }
    }

    /**
     * No static address, the driver's MAC, no published ports, no aliases.
     *
     * @return the default options
     */
    public static EndpointOptions defaults() {
        return new EndpointOptions(null, null, null, List.of(), List.of(), false);
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
     * Builds {@link EndpointOptions}. Addresses, the MAC and ports are parsed as they are set;
     * aliases and address families are checked by {@link #build}.
     */
    public static final class Builder {
        private InetAddress ipv4;
        private InetAddress ipv6;
        private MacAddress mac;
        private final List<PortBinding> ports = new ArrayList<>();
        private final List<String> aliases = new ArrayList<>();
        private boolean hostPortsHeldByCaller;

        /**
         * A port to publish, as {@code -p} takes it: {@code publish("127.0.0.1:8080:80/tcp")}.
         *
         * @param spec Docker's {@code -p} value ({@link PortBinding#parse})
         * @return this builder
         * @throws InvalidParameterException if spec is malformed
         */
        public Builder publish(String spec) {
            ports.add(PortBinding.parse(spec));
            return this;
        }

        /**
         * A port to publish.
         *
         * @param binding the host and container ports
         * @return this builder
         */
        public Builder publish(PortBinding binding) {
            ports.add(binding);
            return this;
        }

        /**
         * A static IPv4 address, in the network's subnet.
         *
         * @param ip a dotted-quad literal
         * @return this builder
         * @throws InvalidParameterException if ip is not an IP address literal
         */
        public Builder ipv4(String ip) {
            this.ipv4 = IpAddresses.parse(ip);
            return this;
        }

        /**
         * A static IPv6 address, in the network's IPv6 subnet.
         *
         * @param ip an IPv6 literal, without brackets or zone
         * @return this builder
         * @throws InvalidParameterException if ip is not an IP address literal
         */
        public Builder ipv6(String ip) {
            this.ipv6 = IpAddresses.parse(ip);
            return this;
        }

        /**
         * The interface's MAC, instead of the driver's choice.
         *
         * @param mac {@code xx:xx:xx:xx:xx:xx}, or with '-'
         * @return this builder
         * @throws InvalidParameterException if mac is malformed
         */
        public Builder mac(String mac) {
            this.mac = MacAddress.parse(mac);
            return this;
        }

        /**
         * Another name of the sandbox on this network ({@code --alias}).
         *
         * @param name a valid host name, checked by {@link #build}
         * @return this builder
         */
        public Builder alias(String name) {
            aliases.add(name);
            return this;
        }

        /**
         * The caller binds the published host ports itself (see {@link EndpointOptions}).
         *
         * @return this builder
         */
        public Builder hostPortsHeldByCaller() {
            this.hostPortsHeldByCaller = true;
            return this;
        }

        /**
         * Checks the aliases and address families and makes the options.
         *
         * @return the options
         * @throws InvalidParameterException if an alias is not a valid host name, or an
         *                                   address is of the other family
         */
        public EndpointOptions build() {
            return new EndpointOptions(ipv4, ipv6, mac, ports, aliases, hostPortsHeldByCaller);
        }
    }
}
