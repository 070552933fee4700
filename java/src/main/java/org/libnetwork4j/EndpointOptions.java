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

    public static EndpointOptions defaults() {
        return new EndpointOptions(null, null, null, List.of(), List.of(), false);
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private InetAddress ipv4;
        private InetAddress ipv6;
        private MacAddress mac;
        private final List<PortBinding> ports = new ArrayList<>();
        private final List<String> aliases = new ArrayList<>();
        private boolean hostPortsHeldByCaller;

        /** A port to publish, as {@code -p} takes it: {@code publish("127.0.0.1:8080:80/tcp")}. */
        public Builder publish(String spec) {
            ports.add(PortBinding.parse(spec));
            return this;
        }

        public Builder publish(PortBinding binding) {
            ports.add(binding);
            return this;
        }

        public Builder ipv4(String ip) {
            this.ipv4 = IpAddresses.parse(ip);
            return this;
        }

        public Builder ipv6(String ip) {
            this.ipv6 = IpAddresses.parse(ip);
            return this;
        }

        public Builder mac(String mac) {
            this.mac = MacAddress.parse(mac);
            return this;
        }

        /** Another name of the sandbox on this network ({@code --alias}). */
        public Builder alias(String name) {
            aliases.add(name);
            return this;
        }

        /** The caller binds the published host ports itself (see {@link EndpointOptions}). */
        public Builder hostPortsHeldByCaller() {
            this.hostPortsHeldByCaller = true;
            return this;
        }

        public EndpointOptions build() {
            return new EndpointOptions(ipv4, ipv6, mac, ports, aliases, hostPortsHeldByCaller);
        }
    }
}
