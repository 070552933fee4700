package org.libnetwork4j.cli;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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

    /**
     * The network as {@code docker network inspect} shows it: the Engine API's own document,
     * with {@code EnableIPv4} after {@code Driver} as Docker 28 has it (dockerd 20.10 has no
     * such field; every libnetwork4j network has IPv4, so it is true).
     */
    static Map<String, Object> network(NetworkController c, Network n) {
        Map<String, Object> doc = new LinkedHashMap<>();
        DockerNetworks.resource(c, n, true).forEach((k, v) -> {
            doc.put(k, v);
            if (k.equals("Driver")) {
                doc.put("EnableIPv4", true);
            }
        });
        return doc;
    }

    /**
     * The inspect document as the docker CLI's templates see it: its Go type (network.Inspect,
     * Docker 28), so that {@code .ID}, {@code .IPAM.Config} and {@code .Created} print as they
     * do there. Fields by Go name; the JSON names where they differ ({@code ID} is {@code Id},
     * {@code AuxAddress} is {@code AuxiliaryAddresses}).
     */
    @SuppressWarnings("unchecked")
    static GoTemplate.Struct typedNetwork(Map<String, Object> doc) {
        Map<String, Object> ipam = (Map<String, Object>) doc.get("IPAM");
        List<Object> configs = new ArrayList<>();
        for (Map<String, Object> c : (List<Map<String, Object>>) ipam.get("Config")) {
            configs.add(new GoTemplate.Struct("network.IPAMConfig", List.of(
                    new GoTemplate.Field("Subnet", "Subnet", true, c.getOrDefault("Subnet", "")),
                    new GoTemplate.Field("IPRange", "IPRange", true, c.getOrDefault("IPRange", "")),
                    new GoTemplate.Field("Gateway", "Gateway", true, c.getOrDefault("Gateway", "")),
                    new GoTemplate.Field("AuxAddress", "AuxiliaryAddresses", true,
                            c.getOrDefault("AuxiliaryAddresses", Map.of())))));
        }
        Map<String, Object> containers = new TreeMap<>();
        ((Map<String, Map<String, Object>>) doc.get("Containers")).forEach((k, e) -> containers.put(k,
                new GoTemplate.Struct("network.EndpointResource", List.of(GoTemplate.Field.of("Name", e.get("Name")),
                        GoTemplate.Field.of("EndpointID", e.get("EndpointID")),
                        GoTemplate.Field.of("MacAddress", e.get("MacAddress")),
                        GoTemplate.Field.of("IPv4Address", e.get("IPv4Address")),
                        GoTemplate.Field.of("IPv6Address", e.get("IPv6Address"))))));
        Map<String, Object> configFrom = (Map<String, Object>) doc.get("ConfigFrom");
        return new GoTemplate.Struct("network.Inspect", List.of(
                GoTemplate.Field.of("Name", doc.get("Name")),
                new GoTemplate.Field("ID", "Id", false, doc.get("Id")),
                GoTemplate.Field.of("Created", new GoTemplate.GoTime(Instant.parse((String) doc.get("Created")))),
                GoTemplate.Field.of("Scope", doc.get("Scope")),
                GoTemplate.Field.of("Driver", doc.get("Driver")),
                GoTemplate.Field.of("EnableIPv4", doc.getOrDefault("EnableIPv4", true)),
                GoTemplate.Field.of("EnableIPv6", doc.get("EnableIPv6")),
                GoTemplate.Field.of("IPAM", new GoTemplate.Struct("network.IPAM", List.of(
                        GoTemplate.Field.of("Driver", ipam.get("Driver")),
                        GoTemplate.Field.of("Options", ipam.get("Options")),
                        GoTemplate.Field.of("Config", configs)))),
                GoTemplate.Field.of("Internal", doc.get("Internal")),
                GoTemplate.Field.of("Attachable", doc.get("Attachable")),
                GoTemplate.Field.of("Ingress", doc.get("Ingress")),
                GoTemplate.Field.of("ConfigFrom", new GoTemplate.Struct("network.ConfigReference",
                        List.of(GoTemplate.Field.of("Network", configFrom.get("Network"))))),
                GoTemplate.Field.of("ConfigOnly", doc.get("ConfigOnly")),
                GoTemplate.Field.of("Containers", containers),
                GoTemplate.Field.of("Options", doc.get("Options")),
                GoTemplate.Field.of("Labels", doc.get("Labels")),
                new GoTemplate.Field("Peers", "Peers", true, List.of()),
                new GoTemplate.Field("Services", "Services", true, Map.of())));
    }

    /**
     * The column names of {@code network ls}'s table, by field (the docker CLI's header
     * context); {@code .Label "a.b-c"}'s is the key's last dotted part, - and _ as spaces.
     */
    static final Map<String, Object> LS_HEADERS = Map.of("ID", "NETWORK ID", "Name", "NAME", "Driver", "DRIVER",
            "Scope", "SCOPE", "IPv4", "IPV4", "IPv6", "IPV6", "Internal", "INTERNAL", "Labels", "LABELS",
            "CreatedAt", "CREATED AT", "Label", GoTemplate.method("Label",
                    k -> k.substring(k.lastIndexOf('.') + 1).replace('-', ' ').replace('_', ' ')));

    /**
     * One row of {@code docker network ls} as its templates see it (the CLI's networkContext):
     * every field a string, fields in the order {@code {{json .}}} writes them (sorted), and the
     * method {@code .Label "key"}.
     *
     * @param doc   the network's document ({@link DockerNetworks#resource})
     * @param trunc whether the id is cut to 12 characters (not with {@code --no-trunc})
     */
    @SuppressWarnings("unchecked")
    static GoTemplate.Struct lsRow(Map<String, Object> doc, boolean trunc) {
        Map<String, String> labels = (Map<String, String>) doc.get("Labels");
        String id = (String) doc.get("Id");
        List<String> joined = new ArrayList<>();
        new TreeMap<>(labels).forEach((k, v) -> joined.add(k + "=" + v));
        return new GoTemplate.Struct("network.networkContext", List.of(
                GoTemplate.Field.of("CreatedAt", new GoTemplate.GoTime(Instant.parse((String) doc.get("Created")))
                        .toString()),
                GoTemplate.Field.of("Driver", doc.get("Driver")),
                GoTemplate.Field.of("ID", trunc && id.length() > 12 ? id.substring(0, 12) : id),
                // Docker 28's; every libnetwork4j network has IPv4
                GoTemplate.Field.of("IPv4", "true"),
                GoTemplate.Field.of("IPv6", String.valueOf(doc.get("EnableIPv6"))),
                GoTemplate.Field.of("Internal", String.valueOf(doc.get("Internal"))),
                GoTemplate.Field.of("Label", GoTemplate.method("Label", k -> labels.getOrDefault(k, ""))),
                GoTemplate.Field.of("Labels", String.join(",", joined)),
                GoTemplate.Field.of("Name", doc.get("Name")),
                GoTemplate.Field.of("Scope", doc.get("Scope"))));
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
