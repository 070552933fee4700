package org.libnetwork4j.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.libnetwork4j.Endpoint;
import org.libnetwork4j.EndpointInfo;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.PortMapping;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.api.DockerNetworks;

/** Inspect documents, with the field names of {@code docker network inspect} and {@code docker inspect}. */
final class Docker {
    private Docker() {
    }

    /** The network as {@code docker network inspect} shows it: the Engine API's own document. */
    static Map<String, Object> network(NetworkController c, Network n) {
        return DockerNetworks.resource(c, n, true);
    }

    /** A sandbox, as {@code docker inspect} shows a container's network settings. */
    static Map<String, Object> sandbox(Sandbox s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Id", s.id());
        m.put("Name", s.containerId());
        m.put("SandboxKey", s.key());
        m.put("Hostname", s.hostname() == null ? "" : s.hostname());
        m.put("Domainname", s.domainname() == null ? "" : s.domainname());
        m.put("HostsPath", s.hostsPath().toString());
        m.put("ResolvConfPath", s.resolvConfPath().toString());
        Map<String, Object> ports = new LinkedHashMap<>();
        Map<String, Object> networks = new LinkedHashMap<>();
        for (Endpoint e : s.endpoints()) {
            EndpointInfo i = e.info();
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("Aliases", i.aliases());
            n.put("NetworkID", i.networkId());
            n.put("EndpointID", i.id());
            n.put("Gateway", i.gatewayV4() == null ? "" : IpAddresses.format(i.gatewayV4()));
            n.put("IPAddress", i.ipv4() == null ? "" : IpAddresses.format(i.ipv4().address()));
            n.put("IPPrefixLen", i.ipv4() == null ? 0 : i.ipv4().length());
            n.put("IPv6Gateway", i.gatewayV6() == null ? "" : IpAddresses.format(i.gatewayV6()));
            n.put("GlobalIPv6Address", i.ipv6() == null ? "" : IpAddresses.format(i.ipv6().address()));
            n.put("GlobalIPv6PrefixLen", i.ipv6() == null ? 0 : i.ipv6().length());
            n.put("MacAddress", i.mac() == null ? "" : i.mac().toString());
            n.put("Interface", i.interfaceName() == null ? "" : i.interfaceName());
            networks.put(e.network().name(), n);
            for (PortMapping p : i.ports()) {
                String key = p.containerPort() + "/" + p.protocol().label();
                @SuppressWarnings("unchecked")
                List<Map<String, String>> l = (List<Map<String, String>>) ports.computeIfAbsent(key, k -> new ArrayList<>());
                Map<String, String> b = new LinkedHashMap<>();
                b.put("HostIp", p.hostIp() == null ? (p.containerIp().getAddress().length == 4 ? "0.0.0.0" : "::")
                        : IpAddresses.format(p.hostIp()));
                b.put("HostPort", Integer.toString(p.hostPort()));
                l.add(b);
            }
        }
        m.put("Ports", ports);
        m.put("Networks", networks);
        return m;
    }
}
