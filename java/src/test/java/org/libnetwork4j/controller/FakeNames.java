package org.libnetwork4j.controller;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.libnetwork4j.dns.NameService;
import org.libnetwork4j.kernel.Netns;

/**
 * A resolver that only remembers what it was told: known networks with the addresses they are
 * listened on (none yet, or none at all),
 * sandboxes with their upstreams, and each joined endpoint's names, as a test reads them.
 */
final class FakeNames implements NameService {
    final Map<String, List<InetAddress>> networks = new ConcurrentHashMap<>();
    final Map<String, List<InetSocketAddress>> sandboxes = new ConcurrentHashMap<>();
    /** endpoint id to its names, while joined */
    final Map<String, List<String>> joined = new ConcurrentHashMap<>();
    final Set<String> closed = ConcurrentHashMap.newKeySet();
    /** The network of each listen that succeeded, in order. */
    final List<String> listened = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Set: the next networks cannot be served (port 53 taken on their address, say). */
    volatile boolean refuse;
    /** "hold", "release" and "join ENDPOINT" (of served networks), in the order they came. */
    final List<String> order = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void hold() {
        order.add("hold");
    }

    @Override
    public void release() {
        order.add("release");
    }

    @Override
    public void addNetwork(String id, String name, boolean internal) {
        networks.put(id, List.of());
    }

    /** Set: each listen with addresses runs it first (a test holds a listen there). */
    volatile Runnable listenGate;

    @Override
    public List<InetAddress> listen(String id, Netns namespace, List<InetAddress> addresses) {
        Runnable gate = listenGate;
        if (gate != null && !addresses.isEmpty()) {
            gate.run();
        }
        if (refuse || !networks.containsKey(id)) {
            return List.of();
        }
        networks.put(id, List.copyOf(addresses));
        if (!addresses.isEmpty()) {
            listened.add(id);
        }
        return List.copyOf(addresses);
    }

    @Override
    public void removeNetwork(String id) {
        networks.remove(id);
    }

    @Override
    public void addSandbox(String id, List<InetSocketAddress> upstreams, boolean ndotsSet, Netns namespace) {
        sandboxes.put(id, List.copyOf(upstreams));
    }

    @Override
    public void removeSandbox(String id) {
        sandboxes.remove(id);
    }

    @Override
    public void join(String networkId, String endpointId, String sandboxId, List<String> names, InetAddress ipv4,
            InetAddress ipv6) {
        if (networks.containsKey(networkId)) {
            joined.put(endpointId, List.copyOf(names));
            order.add("join " + endpointId);
        }
    }

    @Override
    public void leave(String networkId, String endpointId) {
        joined.remove(endpointId);
    }

    @Override
    public void close() {
        closed.add("closed");
    }
}
