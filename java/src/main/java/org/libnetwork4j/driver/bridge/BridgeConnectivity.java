package org.libnetwork4j.driver.bridge;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.PortBinding;
import org.libnetwork4j.PortMapping;
import org.libnetwork4j.Protocol;
import org.libnetwork4j.driver.HostContext;
import org.libnetwork4j.driver.NetworkRequest;
import org.libnetwork4j.driver.Subnet;
import org.libnetwork4j.driver.bridge.BridgeState.BridgeEndpoint;
import org.libnetwork4j.driver.bridge.BridgeState.BridgeNetwork;
import org.libnetwork4j.firewall.Firewall;
import org.libnetwork4j.firewall.NetworkRules;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.portmapper.PortMapper;

/**
 * A bridge network's reach beyond its bridge, in the host namespace's nftables: the network's
 * rules (masquerade, isolation, ICC), the isolation of the ports of networks with ICC off
 * (a bridge port flag), and the published
 * ports of the gateway endpoint of each sandbox (a held host port unless the caller holds it,
 * its DNAT elements, hairpin on its bridge port).
 */
final class BridgeConnectivity {
    private final HostContext host;
    private final Firewall firewall;
    private final PortMapper ports;

    BridgeConnectivity(HostContext host, Firewall firewall, PortMapper ports) {
        this.host = host;
        this.firewall = firewall;
        this.ports = ports;
    }

    void addNetwork(BridgeNetwork n, NetworkRequest req) {
        List<IpPrefix> subnets = new ArrayList<>();
        List<InetAddress> gateways = new ArrayList<>();
        for (Subnet sn : BridgeSetup.subnets(req)) {
            subnets.add(sn.prefix());
            gateways.add(sn.gateway());
        }
        BridgeSettings s = n.settings;
        firewall.addNetwork(new NetworkRules(req.id(), n.bridgeName, n.internal, s.enableIpMasquerade(),
                s.snatIpv4(), s.enableIcc(), subnets, gateways, !s.defaultBridge()));
    }

    void removeNetwork(BridgeNetwork n) {
        firewall.removeNetwork(n.bridgeName);
    }

    /**
     * A new port of a network with ICC off is isolated: the bridge forwards nothing between two
     * such ports, while each still reaches the bridge (its gateway and what is routed through
     * it). Docker drops the same frames with an iptables rule; a port flag costs one netlink
     * request instead of a firewall transaction, works with br_netfilter on or off, and goes
     * with the port, so that a leave has nothing to undo.
     */
    void addPort(Netlink nl, BridgeNetwork n, int hostIndex) {
        if (!n.settings.enableIcc()) {
            nl.setIsolated(hostIndex, true);
        }
    }

    /** The endpoint's published ports go live: host ports reserved, DNAT elements, hairpin. */
    void program(BridgeNetwork n, BridgeEndpoint ep, String endpointId) {
        if (ep.request.ports().isEmpty() || n.internal) {
            return;
        }
        // host_binding_ipv4: bindings without a host address take the network's default one
        InetAddress dflt = n.settings.hostBindingIpv4();
        List<PortBinding> bindings = dflt.isAnyLocalAddress() ? ep.request.ports()
                : ep.request.ports().stream().map(b -> b.hostIp() != null ? b
                        : new PortBinding(dflt, b.hostPort(), b.hostPortEnd(), b.containerPort(), b.protocol()))
                        .toList();
        var ipv4 = ep.request.ipv4() == null ? null : ep.request.ipv4().address();
        var ipv6 = ep.request.ipv6() == null ? null : ep.request.ipv6().address();
        var mappings = ports.map(endpointId, bindings, ipv4, ipv6, !ep.request.hostPortsHeldByCaller());
        try {
            firewall.publish(endpointId, mappings);
            // A UDP flow that kept sending to the host port while nothing was published there
            // (its container being made again) is tracked without a DNAT, and NAT is decided
            // on a flow's first packet: forgotten, its next packet is NATed to this endpoint.
            // One walk of the connection table per port (its IPv4 and IPv6 mappings share it).
            mappings.stream().filter(m -> m.protocol() != Protocol.TCP)
                    .map(m -> java.util.Map.entry(m.protocol(), m.hostPort())).distinct()
                    .forEach(p -> firewall.forgetFlowsTo(p.getKey(), p.getValue()));
            hairpin(ep);
        } catch (RuntimeException e) {
            firewall.unpublish(endpointId);
            ports.unmap(endpointId);
            throw e;
        }
    }

    /**
     * Hairpin, a container reaching its own published port through the host's address: with
     * br_netfilter the DNAT'd frame is bridged straight back to the port it came from, which
     * a bridge does only in hairpin mode (Docker sets it for the same case).
     */
    private void hairpin(BridgeEndpoint ep) {
        host.withNetlink(nl -> {
            nl.setHairpin(ep.hostIndex, true);
            return null;
        });
    }

    void revoke(BridgeEndpoint ep, String endpointId) {
        if (ports.mappings(endpointId).isEmpty()) {
            return;
        }
        firewall.unpublish(endpointId);
        ports.unmap(endpointId);
        // Connections tracked with a DNAT to this endpoint would keep steering their flows to
        // an address that is about to go (and may be reused).
        for (IpPrefix ip : new IpPrefix[] {ep.request.ipv4(), ep.request.ipv6()}) {
            if (ip != null) {
                firewall.forgetConnections(ip.address());
            }
        }
    }

    /** The published ports again after a restart, with the host ports they had. */
    List<PortMapping> restore(BridgeNetwork n, BridgeEndpoint ep, String endpointId, List<PortMapping> mappings) {
        if (ep.request.ports().isEmpty() || n.internal) {
            return List.of();
        }
        if (mappings.isEmpty()) {
            program(n, ep, endpointId);
            return List.of();
        }
        List<PortMapping> unheld = ports.restore(endpointId, mappings, !ep.request.hostPortsHeldByCaller());
        firewall.publish(endpointId, mappings);
        hairpin(ep);
        return unheld;
    }

    List<PortMapping> published(String endpointId) {
        return ports.mappings(endpointId);
    }
}
