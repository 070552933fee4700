package org.libnetwork4j.portmapper;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NotSupportedException;
import org.libnetwork4j.PortBinding;
import org.libnetwork4j.PortMapping;
import org.libnetwork4j.Protocol;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.kernel.PortReservation;
import org.libnetwork4j.kernel.PortSockets;
import org.libnetwork4j.kernel.Sysctl;

/**
 * Host ports of published ports: which endpoint holds which (address, protocol, port), and a
 * socket bound to each in the host namespace, so that no other program can take it and a port
 * some program already listens on is refused. A wildcard binding (any address) conflicts with
 * every address of its family on the same protocol and port, as the kernel's bind does.
 *
 * <p>Mapping an endpoint's bindings is all or nothing. Thread-safe.
 */
public final class PortMapper {
    private final Netns host;
    private final PortSockets sockets;
    private final Map<Key, Held> held = new HashMap<>();                     // guarded by this
    private final Map<String, List<Held>> byEndpoint = new HashMap<>();      // guarded by this

    /**
     * A mapper holding no port yet.
     *
     * @param host the namespace whose ports are held: the host's, where published ports are
     *             reached
     */
    public PortMapper(Netns host) {
        this.host = host;
        this.sockets = new PortSockets(host);
    }

    /** One taken (family, address, protocol, port); address null = wildcard of the family. */
    private record Key(boolean ipv6, InetAddress ip, Protocol proto, int port) {
        boolean conflicts(Key o) {
            return ipv6 == o.ipv6 && proto == o.proto && port == o.port
                    && (ip == null || o.ip == null || ip.equals(o.ip));
        }
    }

    private record Held(Key key, PortReservation socket, PortMapping mapping) {
    }

    /**
     * Allocates host ports for an endpoint's bindings and returns the mappings. A binding
     * without a host address maps the IPv4 wildcard and, if the endpoint has IPv6, the IPv6
     * wildcard on the same port. Mapping an endpoint that holds mappings already returns
     * those, and allocates nothing.
     *
     * @param endpointId  the endpoint the host ports are for
     * @param bindings    what to publish: host address (null for any), host port or range (0
     *                    for one the kernel picks), container port, protocol
     * @param containerV4 the endpoint's IPv4 address, or null if it has none
     * @param containerV6 the endpoint's IPv6 address, or null if it has none
     * @param hold whether to hold each host port with a bound socket; false when the caller
     *             binds them itself (a runtime such as podman): then only this mapper's own
     *             table keeps endpoints apart, and a port 0 gets a port the kernel says is free
     * @return one mapping per host port and family taken, with the host port chosen
     * @throws AlreadyExistsException "port is already allocated", naming it; nothing is kept
     * @throws InvalidParameterException if a binding's host address is of a family the
     *         endpoint has no address of, or not an address of the host; nothing is kept
     */
    public synchronized List<PortMapping> map(String endpointId, List<PortBinding> bindings,
            InetAddress containerV4, InetAddress containerV6, boolean hold) {
        Objects.requireNonNull(endpointId, "endpointId");
        if (byEndpoint.containsKey(endpointId)) {
            return byEndpoint.get(endpointId).stream().map(Held::mapping).toList();
        }
        List<Held> taken = new ArrayList<>();
        try {
            for (PortBinding b : bindings) {
                taken.addAll(mapOne(b, containerV4, containerV6, hold));
            }
        } catch (RuntimeException e) {
            taken.forEach(this::release);
            throw e;
        }
        byEndpoint.put(endpointId, taken);
        return taken.stream().map(Held::mapping).toList();
    }

    private List<Held> mapOne(PortBinding b, InetAddress v4, InetAddress v6, boolean hold) {
        List<Boolean> families = new ArrayList<>();
        if (b.hostIp() != null) {
            boolean wantV6 = !(b.hostIp() instanceof Inet4Address);
            if ((wantV6 ? v6 : v4) == null) {
                throw new InvalidParameterException("cannot publish " + b + ": the endpoint has no "
                        + (wantV6 ? "IPv6" : "IPv4") + " address");
            }
            families.add(wantV6);
        } else {
            if (v4 != null) {
                families.add(false);
            }
            if (v6 != null) {
                families.add(true);
            }
        }
        if (b.hostPort() == 0) {
            return mapEphemeral(b, families, v4, v6, hold);
        }
        NetworkException last = null;
        for (int port = b.hostPort(); port <= b.hostPortEnd(); port++) {
            try {
                return takeAll(b, families, port, v4, v6, hold);
            } catch (AlreadyExistsException busy) {
                last = busy; // try the next port of the range
            }
        }
        throw last;
    }

    /**
     * Port 0: the kernel picks a free one for the first family (from ip_local_port_range); the
     * others must get the same. Bounded retries when the second family has it taken.
     */
    private List<Held> mapEphemeral(PortBinding b, List<Boolean> families, InetAddress v4, InetAddress v6,
            boolean hold) {
        AlreadyExistsException last = null;
        for (int attempt = 0; attempt < 16; attempt++) {
            int port = b.protocol() == Protocol.SCTP ? freeSctpPort(families, b.hostIp()) : 0;
            Held first = take(b, families.get(0), port, v4, v6, hold);
            try {
                List<Held> all = new ArrayList<>(List.of(first));
                for (Boolean ipv6 : families.subList(1, families.size())) {
                    all.add(take(b, ipv6, first.key().port(), v4, v6, hold));
                }
                return all;
            } catch (AlreadyExistsException e) {
                release(first);
                last = e;
            }
        }
        throw last;
    }

    private List<Held> takeAll(PortBinding b, List<Boolean> families, int port, InetAddress v4, InetAddress v6,
            boolean hold) {
        List<Held> all = new ArrayList<>();
        try {
            for (Boolean ipv6 : families) {
                all.add(take(b, ipv6, port, v4, v6, hold));
            }
            return all;
        } catch (RuntimeException e) {
            all.forEach(this::release);
            throw e;
        }
    }

    private Held take(PortBinding b, boolean ipv6, int port, InetAddress v4, InetAddress v6, boolean hold) {
        if (port != 0) {
            Key k = new Key(ipv6, b.hostIp(), b.protocol(), port);
            for (Key other : held.keySet()) {
                if (other.conflicts(k)) {
                    throw allocated(b, ipv6, port);
                }
            }
        }
        PortReservation socket = null;
        int bound = port;
        if (b.protocol() != Protocol.SCTP && (hold || port == 0)) {
            try {
                socket = sockets.reserve(b.protocol(), b.hostIp(), ipv6, port);
                bound = socket.port();
            } catch (AlreadyExistsException inUse) {
                throw allocated(b, ipv6, port);
            } catch (InvalidParameterException notLocal) {
                throw new InvalidParameterException("port binding " + b + ": " + notLocal.getMessage());
            }
            if (!hold) { // it only asked the kernel for a free port: the caller binds it
                socket.close();
                socket = null;
            }
        }
        // SCTP: this kernel has no SCTP sockets to hold a port with; the table alone guards it
        Key k = new Key(ipv6, b.hostIp(), b.protocol(), bound);
        PortMapping m = new PortMapping(b.hostIp(), bound, ipv6 ? v6 : v4, b.containerPort(), b.protocol());
        Held h = new Held(k, socket, m);
        held.put(k, h);
        return h;
    }

    private int freeSctpPort(List<Boolean> families, InetAddress ip) {
        String[] range = Sysctl.read(host, "net/ipv4/ip_local_port_range").trim().split("\\s+");
        int lo = Integer.parseInt(range[0]);
        int hi = Integer.parseInt(range[1]);
        for (int p = lo; p <= hi; p++) {
            int port = p;
            boolean free = families.stream().allMatch(v6 -> held.keySet().stream()
                    .noneMatch(k -> k.conflicts(new Key(v6, ip, Protocol.SCTP, port))));
            if (free) {
                return port;
            }
        }
        throw new NotSupportedException("no free SCTP port in " + lo + "-" + hi);
    }

    private static AlreadyExistsException allocated(PortBinding b, boolean ipv6, int port) {
        String ip = b.hostIp() != null ? IpAddresses.format(b.hostIp()) : ipv6 ? "::" : "0.0.0.0";
        if (ipv6 || (b.hostIp() != null && !(b.hostIp() instanceof Inet4Address))) {
            ip = "[" + ip + "]";
        }
        String ports = b.hostPort() == 0 ? Integer.toString(port)
                : b.hostPort() == b.hostPortEnd() ? Integer.toString(b.hostPort())
                : b.hostPort() + "-" + b.hostPortEnd();
        return new AlreadyExistsException("Bind for " + ip + ":" + ports + "/" + b.protocol().label()
                + " failed: port is already allocated");
    }

    private void release(Held h) {
        held.remove(h.key());
        if (h.socket() != null) {
            h.socket().close();
        }
    }

    /**
     * Takes up mappings made before a restart, with the same host ports: their sockets are
     * bound again. A port some other program took meanwhile cannot be held again; the mapping
     * stays (its rule keeps working) and the port is returned, for a warning.
     *
     * @param endpointId the endpoint the mappings are for
     * @param mappings   its mappings as stored before the restart
     * @param hold       as for {@link #map}
     * @return the mappings whose host port could not be reserved again
     */
    public synchronized List<PortMapping> restore(String endpointId, List<PortMapping> mappings, boolean hold) {
        List<PortMapping> unheld = new ArrayList<>();
        List<Held> hs = new ArrayList<>();
        for (PortMapping m : mappings) {
            boolean ipv6 = !(m.containerIp() instanceof Inet4Address);
            Key k = new Key(ipv6, m.hostIp(), m.protocol(), m.hostPort());
            PortReservation socket = null;
            if (m.protocol() != Protocol.SCTP && hold) {
                try {
                    socket = sockets.reserve(m.protocol(), m.hostIp(), ipv6, m.hostPort());
                } catch (NetworkException taken) {
                    unheld.add(m);
                }
            }
            Held h = new Held(k, socket, m);
            held.put(k, h);
            hs.add(h);
        }
        byEndpoint.put(endpointId, hs);
        return unheld;
    }

    /**
     * Releases an endpoint's host ports. Unmapping what is not mapped succeeds.
     *
     * @param endpointId the endpoint whose host ports go, their sockets closed
     */
    public synchronized void unmap(String endpointId) {
        List<Held> hs = byEndpoint.remove(endpointId);
        if (hs != null) {
            hs.forEach(this::release);
        }
    }

    /**
     * The endpoint's mappings, empty if none.
     *
     * @param endpointId the endpoint
     * @return its mappings as {@link #map} or {@link #restore} made them
     */
    public synchronized List<PortMapping> mappings(String endpointId) {
        List<Held> hs = byEndpoint.get(endpointId);
        return hs == null ? List.of() : hs.stream().map(Held::mapping).toList();
    }

    /** Releases every host port. */
    public synchronized void close() {
        for (String id : List.copyOf(byEndpoint.keySet())) {
            unmap(id);
        }
        sockets.close();
    }
}
