package org.libnetwork4j.dns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import org.libnetwork4j.kernel.Netns;
import org.xbill.DNS.Name;

/**
 * The names the resolver answers, per network, and the sandboxes that ask. Written by the
 * controller's threads (a join, a leave), read by the resolver's event loop at the same time:
 * each map is concurrent and each value immutable, so that a query sees an endpoint either
 * before or after a change, and a change is complete when its call returns. No operation
 * copies anything whose size grows with the number of endpoints.
 *
 * <p>Every change ends by moving {@link #generation} on, after the maps are changed and before
 * the call returns: whoever read a generation before reading the maps, and finds it still
 * current, knows that what it read then holds now (the resolver's answer cache relies on it).
 */
final class Names {

    /**
     * One joined endpoint: its names (the container name first) and addresses; its sandbox
     * null for another host's endpoint.
     */
    record Entry(String endpointId, String sandboxId, List<String> names, InetAddress ipv4, InetAddress ipv6) {
    }

    /** A served network. */
    static final class Net {
        final String id;
        final String name;
        final boolean internal;
        final Map<String, List<Entry>> byName = new ConcurrentHashMap<>();
        final Map<InetAddress, Entry> byAddress = new ConcurrentHashMap<>();
        // PTR: the named endpoints by address; the question's name is turned into the address
        // (fromReverse) rather than every join turning addresses into names: a join is ~1 %
        // cheaper, a PTR question (rare beside A and AAAA) a little dearer
        final Map<InetAddress, Entry> byReverse = new ConcurrentHashMap<>();
        final Map<String, Entry> byEndpoint = new ConcurrentHashMap<>();

        Net(String id, String name, boolean internal) {
            this.id = id;
            this.name = name.toLowerCase(Locale.ROOT);
            this.internal = internal;
        }
    }

    /** A sandbox's networks, in join order, with where its forwarded queries go. */
    static final class Sandbox {
        final String id;
        final List<InetSocketAddress> upstreams;
        final boolean ndotsSet;
        final Netns namespace;
        final List<Membership> memberships = new CopyOnWriteArrayList<>();

        Sandbox(String id, List<InetSocketAddress> upstreams, boolean ndotsSet, Netns namespace) {
            this.id = id;
            this.upstreams = List.copyOf(upstreams);
            this.ndotsSet = ndotsSet;
            this.namespace = namespace;
        }

        /** Whether any of its networks lets traffic out: an internal network never forwards. */
        boolean mayForward() {
            for (Membership m : memberships) {
                if (!m.net().internal) {
                    return true;
                }
            }
            return false;
        }
    }

    record Membership(Net net, String endpointId) {
    }

    private final Map<String, Net> nets = new ConcurrentHashMap<>();
    private final Map<String, Sandbox> sandboxes = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    /**
     * A number that moves on with every change, once the change is visible in the maps. An
     * answer built from what the maps held is still right while this reads the same value it
     * read before the answer was built.
     */
    long generation() {
        return generation.get();
    }

    private void changed() {
        generation.incrementAndGet();
    }

    void addNetwork(String id, String name, boolean internal) {
        nets.put(id, new Net(id, name, internal));
        changed();
    }

    void removeNetwork(String id) {
        Net n = nets.remove(id);
        if (n != null) {
            for (Entry e : n.byEndpoint.values()) {
                Sandbox sb = e.sandboxId() == null ? null : sandboxes.get(e.sandboxId());
                if (sb != null) {
                    sb.memberships.removeIf(m -> m.net() == n);
                }
            }
        }
        changed();
    }

    Net network(String id) {
        return nets.get(id);
    }

    /** Adding it again (or after a join made it bare) keeps its memberships. */
    void addSandbox(String id, List<InetSocketAddress> upstreams, boolean ndotsSet, Netns namespace) {
        sandboxes.compute(id, (k, old) -> {
            Sandbox sb = new Sandbox(id, upstreams, ndotsSet, namespace);
            if (old != null) {
                sb.memberships.addAll(old.memberships);
            }
            return sb;
        });
        changed();
    }

    void removeSandbox(String id) {
        sandboxes.remove(id);
        changed();
    }

    Sandbox sandbox(String id) {
        return sandboxes.get(id);
    }

    /**
     * The address a reverse name stands for: {@code d.c.b.a.in-addr.arpa.} (decimal labels, no
     * leading zero) or the 32 nibbles of an IPv6 address before {@code ip6.arpa.}, in any case;
     * exactly the names dnsjava's ReverseMap makes, up to case. Null for any other name (a
     * partial one, a label that is not a digit).
     */
    static InetAddress fromReverse(Name name) {
        if (!name.isAbsolute()) {
            return null;
        }
        int labels = name.labels(); // the root's included
        try {
            if (labels == 7 && "in-addr".equalsIgnoreCase(name.getLabelString(4))
                    && "arpa".equalsIgnoreCase(name.getLabelString(5))) {
                byte[] b = new byte[4];
                for (int i = 0; i < 4; i++) {
                    int v = octet(name.getLabelString(i));
                    if (v < 0) {
                        return null;
                    }
                    b[3 - i] = (byte) v;
                }
                return Inet4Address.getByAddress(b);
            }
            if (labels == 35 && "ip6".equalsIgnoreCase(name.getLabelString(32))
                    && "arpa".equalsIgnoreCase(name.getLabelString(33))) {
                byte[] b = new byte[16];
                for (int i = 0; i < 32; i++) {
                    String l = name.getLabelString(i);
                    int d = l.length() == 1 ? Character.digit(l.charAt(0), 16) : -1;
                    if (d < 0) {
                        return null;
                    }
                    int nibble = 31 - i; // the first label is the address's last nibble
                    b[nibble / 2] |= (byte) (nibble % 2 == 0 ? d << 4 : d);
                }
                // an Inet6Address even for ::ffff:a.b.c.d, which getByAddress would make IPv4
                return Inet6Address.getByAddress(null, b, null);
            }
        } catch (UnknownHostException cannotHappen) {
            // 4 or 16 bytes, always
        }
        return null;
    }

    /** 0-255 written in decimal without a leading zero; -1 for anything else. */
    private static int octet(String label) {
        int n = label.length();
        if (n == 0 || n > 3 || n > 1 && label.charAt(0) == '0') {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < n; i++) {
            char c = label.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v <= 255 ? v : -1;
    }

    /**
     * Registers a joined endpoint of a served network (of any other network: nothing to do).
     * With no names, it is known only as an asker: its sandbox asks through it, and no name or
     * reverse lookup finds it.
     */
    void join(String networkId, String endpointId, String sandboxId, List<String> names, InetAddress ipv4,
            InetAddress ipv6) {
        Net n = nets.get(networkId);
        if (n == null) {
            return;
        }
        List<String> lower = new ArrayList<>();
        for (String s : names) {
            String l = s.toLowerCase(Locale.ROOT);
            if (!l.isEmpty() && !lower.contains(l)) {
                lower.add(l);
            }
        }
        Entry e = new Entry(endpointId, sandboxId, List.copyOf(lower), ipv4, ipv6);
        leave(networkId, endpointId); // a second join of the same endpoint replaces the first
        n.byEndpoint.put(endpointId, e);
        for (InetAddress a : addresses(e)) {
            if (sandboxId != null) {
                // only askers: another host's endpoint asks its own host, and a stale report of
                // one must never displace the local endpoint that has its address now
                n.byAddress.put(a, e);
            }
            if (!e.names().isEmpty()) {
                n.byReverse.put(a, e);
            }
        }
        for (String name : e.names()) {
            n.byName.compute(name, (k, list) -> {
                List<Entry> l = list == null ? new ArrayList<>(1) : new ArrayList<>(list);
                l.add(e);
                return List.copyOf(l);
            });
        }
        if (sandboxId != null) { // not another host's endpoint
            sandboxes.computeIfAbsent(sandboxId, id -> new Sandbox(id, List.of(), false, null)).memberships
                    .add(new Membership(n, endpointId));
        }
        changed();
    }

    void leave(String networkId, String endpointId) {
        Net n = nets.get(networkId);
        if (n == null) {
            return;
        }
        Entry e = n.byEndpoint.remove(endpointId);
        if (e == null) {
            return;
        }
        for (InetAddress a : addresses(e)) {
            n.byAddress.remove(a, e);
            n.byReverse.remove(a, e);
        }
        for (String name : e.names()) {
            n.byName.computeIfPresent(name, (k, list) -> {
                List<Entry> l = new ArrayList<>(list);
                l.remove(e);
                return l.isEmpty() ? null : List.copyOf(l);
            });
        }
        Sandbox sb = e.sandboxId() == null ? null : sandboxes.get(e.sandboxId());
        if (sb != null) {
            sb.memberships.removeIf(m -> m.net() == n && m.endpointId().equals(endpointId));
        }
        changed();
    }

    private static List<InetAddress> addresses(Entry e) {
        List<InetAddress> l = new ArrayList<>(2);
        if (e.ipv4() != null) {
            l.add(e.ipv4());
        }
        if (e.ipv6() != null) {
            l.add(e.ipv6());
        }
        return l;
    }
}
