package org.libnetwork4j.firewall;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import org.libnetwork4j.PortMapping;

/**
 * What the firewall must hold, in a stable order (sorted), so that the same state always
 * renders to the same text. Not thread-safe: {@link Firewall} guards it.
 */
final class FirewallState {
    private final Map<String, NetworkRules> networks = new TreeMap<>();   // by bridge
    private final Map<String, List<PortMapping>> published = new TreeMap<>(); // by endpoint id

    /** Nothing to hold: no network, no published port. */
    boolean isEmpty() {
        return networks.isEmpty() && published.isEmpty();
    }

    Collection<NetworkRules> networks() {
        return networks.values();
    }

    /** Published mappings by endpoint id. */
    Map<String, List<PortMapping>> published() {
        return published;
    }

    NetworkRules network(String bridge) {
        return networks.get(bridge);
    }

    void putNetwork(NetworkRules n) {
        networks.put(n.bridge(), n);
    }

    NetworkRules removeNetwork(String bridge) {
        return networks.remove(bridge);
    }

    void publish(String endpointId, List<PortMapping> ms) {
        published.put(endpointId, List.copyOf(ms));
    }

    List<PortMapping> unpublish(String endpointId) {
        List<PortMapping> l = published.remove(endpointId);
        return l == null ? List.of() : l;
    }

    List<PortMapping> publishedBy(String endpointId) {
        return published.getOrDefault(endpointId, new ArrayList<>());
    }
}
