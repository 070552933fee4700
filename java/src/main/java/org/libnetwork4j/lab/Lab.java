package org.libnetwork4j.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.NotSupportedException;
import org.libnetwork4j.kernel.Addr;
import org.libnetwork4j.kernel.BridgeSpec;
import org.libnetwork4j.kernel.Link;
import org.libnetwork4j.kernel.NamespaceThread;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.kernel.Nftables;
import org.libnetwork4j.kernel.NsId;
import org.libnetwork4j.kernel.VethPair;
import org.libnetwork4j.kernel.VethSpec;

/**
 * A network lab for a Java test: throwaway hosts (each a controller bound to a fresh network
 * namespace, {@link #host}), their sandboxes, and faults applied to them on demand.
 *
 * <p><b>Isolation.</b> Everything lives in namespaces the lab makes, mounted under
 * {@code /run/libnetwork4j-lab/lnwlab-PID-START-N/}: nothing touches the machine's own network
 * namespace. The hosts share an underlay, a bridge in a namespace of its own, where host N has
 * 10.250.0.N/24 on its {@code eth0}; they have no route beyond it. Their resolv.conf names
 * 192.0.2.53 (TEST-NET-1), which nothing routes to, so no query forwarded by a lab's resolver
 * leaves the lab.
 *
 * <p><b>Faults</b> take effect when the call returns and last until healed or the lab ends.
 * Rules go into a table of their own per fault in the namespaces concerned (one nftables
 * transaction each); links and queueing disciplines are one netlink request each.
 *
 * <p><b>Cleanup.</b> {@link #close()} stops the sandboxes' threads, heals the faults, closes
 * the controllers and detaches every namespace, also after a failed test. What a JVM that
 * died left is swept by the next lab made on the machine, by name. It fails if a thread of
 * this JVM is still inside a lab namespace (started by code run in a sandbox and never
 * stopped): such a thread keeps the namespace alive and would open its sockets there.
 *
 * <p>Thread-safe. Needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN).
 */
public final class Lab implements AutoCloseable {
    /** Names of lab directories and namespaces begin with this. */
    public static final String PREFIX = "lnwlab-";
    static final Path ROOT = Path.of("/run/libnetwork4j-lab");
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Set<Lab> OPEN = ConcurrentHashMap.newKeySet();
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,31}");
    private static final int MAX_HOSTS = 250;
    private static final Duration THREAD_STOP = Duration.ofSeconds(5);

    /** The namespace of the JVM's main thread (/proc/self names the thread group's leader). */
    private static final Path PROCESS_NAMESPACE;

    static {
        try {
            PROCESS_NAMESPACE = Files.readSymbolicLink(Path.of("/proc/self/ns/net"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static {
        // Last resort for a JVM that exits with labs open: a test runner that is stopped.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Lab lab : OPEN) {
                try {
                    lab.close();
                } catch (RuntimeException ignored) {
                    // best effort at exit; the next lab sweeps what is left
                }
            }
        }, "lnwlab-cleanup"));
    }

    private final Path dir;
    private final Map<String, LabHost> hosts = new LinkedHashMap<>();
    private final Map<Path, Handles> handles = new ConcurrentHashMap<>();
    private final List<Fault> faults = new CopyOnWriteArrayList<>();
    private final AtomicInteger faultIds = new AtomicInteger();
    private final Map<String, Integer> claims = new ConcurrentHashMap<>(); // what a fault holds -> its id
    private Netns underlay;
    private int lastHostNumber; // guarded by this
    private int underlayBridge;
    private volatile boolean closed;

    /** Netlink and nftables handles of one lab namespace, opened on first use. */
    private static final class Handles {
        final Netns ns;
        Netlink netlink;
        Nftables nftables;

        Handles(Netns ns) {
            this.ns = ns;
        }

        synchronized Netlink netlink() {
            if (netlink == null) {
                netlink = Netlink.open(ns);
            }
            return netlink;
        }

        synchronized Nftables nftables() {
            if (nftables == null) {
                nftables = Nftables.open(ns);
            }
            return nftables;
        }

        synchronized void close() {
            if (nftables != null) {
                nftables.close();
            }
            if (netlink != null) {
                netlink.close();
            }
            ns.close();
        }
    }

    /**
     * Whether this process runs as root (uid 0, read from /proc: a container may have no passwd).
     *
     * @return true if its effective uid is 0; false too if /proc/self/status cannot be read
     */
    public static boolean runningAsRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private Lab(Path dir) {
        this.dir = dir;
    }

    /**
     * A new, empty lab. First sweeps what labs of dead JVMs left on this machine.
     *
     * @return the lab, open until {@link #close()}, with its directory made
     * @throws java.io.UncheckedIOException if its directory cannot be made, or the labs' root
     *         directory cannot be listed for the sweep
     */
    public static Lab create() {
        LabReaper.reapDead(ROOT);
        Path dir = ROOT.resolve(LabReaper.ownPrefix() + SEQUENCE.incrementAndGet());
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("create lab directory " + dir, e);
        }
        Lab lab = new Lab(dir);
        OPEN.add(lab);
        return lab;
    }

    /**
     * Where its namespaces and its hosts' state live.
     *
     * @return {@code /run/libnetwork4j-lab/lnwlab-PID-START-N}, deleted by {@link #close()}
     */
    public Path directory() {
        return dir;
    }

    // ---- hosts and sandboxes ----

    /**
     * The host called name, made on first use: a fresh namespace on the underlay and a
     * controller bound to it, with its state under the lab's directory.
     *
     * @param name its name in the lab, which also names its directory
     * @return the host, the same one on each call with this name
     * @throws InvalidParameterException for a name that is not 1-32 letters, digits, '.', '_'
     *         or '-' (starting with a letter or digit), or past the 250th host
     * @throws IllegalStateException on a closed lab, or from a thread inside a lab namespace
     */
    public synchronized LabHost host(String name) {
        checkCaller("lab host " + name);
        LabHost h = hosts.get(name);
        if (h != null) {
            return h;
        }
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidParameterException("lab host name \"" + name
                    + "\": 1-32 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        if (lastHostNumber >= MAX_HOSTS) {
            throw new InvalidParameterException("lab host \"" + name + "\": a lab has at most " + MAX_HOSTS
                    + " hosts (the underlay is one /24)");
        }
        // never reused: the kernel frees a failed host's namespace (and its veth's name in the
        // underlay) asynchronously, so a new host takes a new number
        int number = ++lastHostNumber;
        Path hostDir = dir.resolve("hosts").resolve(name);
        Netns ns = Netns.createAt(dir.resolve("ns"), PREFIX + "h" + number);
        Handles hh = new Handles(ns);
        handles.put(ns.path().orElseThrow(), hh);
        int plugged = -1;
        NetworkController controller;
        try {
            plugged = plugIntoUnderlay(hh.netlink(), number);
            Files.createDirectories(hostDir);
            Path resolv = Files.writeString(hostDir.resolve("resolv.conf"),
                    "# a lab host: nothing routes to TEST-NET-1, so no query leaves the lab\nnameserver 192.0.2.53\n");
            controller = NetworkController.create(ControllerConfig.builder()
                    .stateDir(hostDir.resolve("state")).runDir(hostDir.resolve("run"))
                    .hostNamespace(ns.path().orElseThrow()).hostResolvConf(resolv).build());
        } catch (IOException | RuntimeException e) {
            RuntimeException thrown = e instanceof IOException io
                    ? new UncheckedIOException("make lab host " + name, io) : (RuntimeException) e;
            // a host that could not be made leaves nothing: its leg on the underlay, its handles, its namespace
            if (plugged > 0) {
                try {
                    handles(underlay.path().orElseThrow()).netlink().deleteLink(plugged);
                } catch (RuntimeException suppressed) {
                    thrown.addSuppressed(suppressed);
                }
            }
            handles.remove(ns.path().orElseThrow());
            try {
                hh.close();
            } catch (RuntimeException suppressed) {
                thrown.addSuppressed(suppressed);
            }
            try {
                ns.delete();
            } catch (RuntimeException suppressed) {
                thrown.addSuppressed(suppressed);
            }
            throw thrown;
        }
        LabHost made = new LabHost(this, name, number, ns.path().orElseThrow(), controller);
        hosts.put(name, made);
        return made;
    }

    /**
     * Host N's leg on the underlay: eth0 in the host (10.250.0.N/24), uN on the lab bridge.
     * Returns uN's index (for the caller to delete if a later step fails); deletes it itself
     * if a step here fails.
     */
    private int plugIntoUnderlay(Netlink host, int number) {
        Netlink u = underlay();
        VethPair p = u.createVeth(VethSpec.of("u" + number, "eth0").peerIn(host).master(underlayBridge).up());
        try {
            host.addAddr(Addr.of(p.peer().index(), underlayAddress(number).getHostAddress() + "/24"));
            host.setUp(p.peer().index());
            host.setUp(host.link("lo").index());
        } catch (RuntimeException e) {
            try {
                u.deleteLink(p.host().index());
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return p.host().index();
    }

    /** The underlay's netlink handle; the underlay (a namespace holding bridge lab0) is made on first use. */
    private Netlink underlay() {
        if (underlay == null) {
            Netns ns = Netns.createAt(dir.resolve("ns"), PREFIX + "underlay");
            Handles u = new Handles(ns);
            try {
                underlayBridge = u.netlink().createBridge(BridgeSpec.of("lab0").up()).index();
            } catch (RuntimeException e) {
                try {
                    u.close();
                    ns.delete();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
            handles.put(ns.path().orElseThrow(), u);
            underlay = ns; // only once it works: a later host tries again after a failure
        }
        return handles(underlay.path().orElseThrow()).netlink();
    }

    static InetAddress underlayAddress(int number) {
        return IpAddresses.parse("10.250.0." + number);
    }

    /**
     * The hosts made so far, in the order they were made.
     *
     * @return an unmodifiable copy: hosts made later are not in it
     */
    public synchronized List<LabHost> hosts() {
        return List.copyOf(hosts.values());
    }

    /**
     * The sandbox called name, on whichever host it is.
     *
     * @param name its name in the lab (its container id)
     * @return the one lab sandbox of that name
     * @throws NotFoundException if no host has it, InvalidParameterException if several do
     */
    public synchronized LabSandbox sandboxNamed(String name) {
        List<LabSandbox> found = new ArrayList<>();
        for (LabHost h : hosts.values()) {
            h.sandboxes().stream().filter(s -> s.name().equals(name)).forEach(found::add);
        }
        if (found.isEmpty()) {
            throw new NotFoundException("no lab sandbox \"" + name + "\"");
        }
        if (found.size() > 1) {
            throw new InvalidParameterException("lab sandbox name \"" + name + "\" is on several hosts: "
                    + found.stream().map(s -> s.host().name()).toList() + "; ask the host");
        }
        return found.get(0);
    }

    // ---- faults ----

    /**
     * Packets between a and b are dropped, both ways; senders are not told (see below).
     *
     * @param a a host or sandbox of this lab
     * @param b another one; if both are sandboxes, on the same host
     * @return the fault, in force until healed
     */
    public Fault partition(Node a, Node b) {
        return partition(List.of(a), List.of(b));
    }

    /**
     * Packets between any node of a and any node of b are dropped, both ways, as a switch
     * would lose them: a sender sees no error, its TCP connections time out. Traffic within
     * each group flows. The rules go where the traffic can be told apart:
     * <ul>
     * <li>two sandboxes of one host: on the first one's interfaces, by the other's addresses;</li>
     * <li>a sandbox and a host: on the sandbox's interfaces, by the host's underlay address (and
     *     its gateway addresses, for the sandbox's own host);</li>
     * <li>two hosts: on the first one's underlay link, by the other's underlay address, which
     *     their sandboxes' traffic to each other also carries (published ports, masquerade).</li>
     * </ul>
     *
     * @param a one group of hosts and sandboxes of this lab
     * @param b the other group
     * @return the fault, in force until healed
     * @throws InvalidParameterException for sandboxes on different hosts (until overlay
     *         networks exist their traffic crosses the underlay only through their hosts'
     *         addresses: partition a sandbox from the other host instead), or a node in both
     */
    public Fault partition(Collection<? extends Node> a, Collection<? extends Node> b) {
        return drops(Fault.Kind.PARTITION, "partition " + names(a) + " | " + names(b), a, b, true);
    }

    /**
     * Packets from `from` to `to` are dropped; those from `to` to `from` flow.
     *
     * @param from the node whose packets are dropped
     * @param to   the node they are meant for; if both are sandboxes, on the same host as from
     * @return the fault, in force until healed
     */
    public Fault partitionOneWay(Node from, Node to) {
        return partitionOneWay(List.of(from), List.of(to));
    }

    /**
     * Packets from any node of from to any node of to are dropped (silently); the other way
     * they flow. The rules go as for {@link #partition(Collection, Collection)}.
     *
     * @param from the group whose packets are dropped
     * @param to   the group they are meant for; no node may be in both
     * @return the fault, in force until healed
     * @throws InvalidParameterException as for {@link #partition(Collection, Collection)}
     */
    public Fault partitionOneWay(Collection<? extends Node> from, Collection<? extends Node> to) {
        return drops(Fault.Kind.ONE_WAY_PARTITION, "partition " + names(from) + " -> " + names(to), from, to, false);
    }

    /** The addresses a rule on one node names: what it drops by source, by destination. */
    private static final class Drops {
        final java.util.Set<InetAddress> sources = new java.util.LinkedHashSet<>();
        final java.util.Set<InetAddress> destinations = new java.util.LinkedHashSet<>();
    }

    /** Drops what goes from each of from to each of to (and back, with bothWays). */
    private Fault drops(Fault.Kind kind, String description, Collection<? extends Node> from,
            Collection<? extends Node> to, boolean bothWays) {
        checkCaller(description); // before the controller is asked for addresses
        Map<Node, Drops> rules = new LinkedHashMap<>();
        for (Node x : from) {
            for (Node y : to) {
                if (x.equals(y)) {
                    throw new InvalidParameterException(description + ": " + x.name() + " is on both sides");
                }
                // the rules sit on x unless x is a host and y a sandbox: a host never sees its
                // sandboxes' own addresses on its underlay
                boolean onX = !(x instanceof LabHost && y instanceof LabSandbox);
                Node at = onX ? x : y;
                Node other = onX ? y : x;
                List<InetAddress> seen = addressesSeenFrom(at, other, description);
                Drops d = rules.computeIfAbsent(at, k -> new Drops());
                // on x: what leaves for y (and what comes from it); on y: what comes from x
                (onX ? d.destinations : d.sources).addAll(seen);
                if (bothWays) {
                    (onX ? d.sources : d.destinations).addAll(seen);
                }
            }
        }
        return apply(kind, description, (id, undo) -> rules.forEach((n, d) -> nft(n, id, undo,
                FaultRules.drop(id, "lab fault " + id, ruleInterfaces(n), List.copyOf(d.sources),
                        List.copyOf(d.destinations)))));
    }

    /** The addresses other's packets carry where at's rules see them. */
    private static List<InetAddress> addressesSeenFrom(Node at, Node other, String what) {
        List<InetAddress> seen = new ArrayList<>();
        if (at instanceof LabSandbox s && other instanceof LabSandbox o) {
            if (s.host() != o.host()) {
                throw new InvalidParameterException(what + ": " + s + " and " + o + " are on different hosts,"
                        + " where they reach each other only through their hosts' addresses; partition "
                        + s.name() + " from host " + o.host().name() + " instead");
            }
            seen.addAll(o.addresses());
        } else if (at instanceof LabSandbox s) {
            LabHost h = (LabHost) other;
            seen.add(h.underlayAddress());
            if (s.host() == h) {
                for (var e : s.sandbox().endpoints()) {
                    if (e.info().gatewayV4() != null) {
                        seen.add(e.info().gatewayV4());
                    }
                    if (e.info().gatewayV6() != null) {
                        seen.add(e.info().gatewayV6());
                    }
                }
            }
        } else {
            seen.add(((LabHost) other).underlayAddress());
        }
        if (seen.isEmpty()) {
            throw new InvalidParameterException(what + ": " + other.name() + " has no address");
        }
        return seen;
    }

    /**
     * Cuts the node off: every frame on its links is dropped, both ways (a sandbox's interfaces,
     * so its host too; a host's underlay, so its own sandboxes still reach it).
     *
     * @param n the host or sandbox to cut off
     * @return the fault, in force until healed
     * @throws InvalidParameterException for a sandbox with no interface
     */
    public Fault isolate(Node n) {
        return apply(Fault.Kind.ISOLATE, "isolate " + n.name(), (id, undo) ->
                nft(n, id, undo, FaultRules.isolate(id, "lab fault " + id, ruleInterfaces(n))));
    }

    /**
     * Takes the far end of each of the node's links down, as a pulled cable: the node's own
     * interfaces, addresses and routes stay as they were and only lose their carrier (a
     * sandbox's veth ends in its host, a host's in the underlay).
     *
     * @param n the host or sandbox whose links go down
     * @return the fault, in force until healed: healing sets the far ends up again
     * @throws AlreadyExistsException if a link-down fault of n is in force already
     */
    public Fault linkDown(Node n) {
        return apply(Fault.Kind.LINK_DOWN, "link down " + n.name(), "the links of " + n.name(), (id, undo) -> {
            for (LinkEnd far : farEnds(n)) {
                Netlink nl = handles(far.namespace()).netlink();
                nl.setDown(far.index());
                undo.add(() -> {
                    try {
                        nl.setUp(far.index());
                    } catch (NotFoundException gone) {
                        // the link went with its endpoint or namespace: nothing to bring up
                    }
                });
            }
        });
    }

    /**
     * Each frame into or out of the node's links is dropped with probability percent/100,
     * independently (nftables' random numbers, to 0.01 %), without telling the sender.
     *
     * @param n       the host or sandbox whose frames are lost
     * @param percent the share of frames dropped, in percent, from 0.01 to 100
     * @return the fault, in force until healed
     * @throws InvalidParameterException for a percent out of that range
     */
    public Fault loss(Node n, double percent) {
        if (!(percent >= 0.01 && percent <= 100)) {
            throw new InvalidParameterException("loss percent " + percent + ": from 0.01 to 100");
        }
        return apply(Fault.Kind.LOSS, "loss " + percent + "% " + n.name(), (id, undo) ->
                nft(n, id, undo, FaultRules.loss(id, "lab fault " + id, ruleInterfaces(n), percent)));
    }

    /**
     * Limits the node's traffic to bitsPerSecond in each direction (a token bucket, tbf, on
     * both ends of each of its links), with 10 ms of traffic as burst (3,000 bytes at least:
     * two full frames) and 50 ms as queue (twice the burst at least).
     *
     * @param n             the host or sandbox whose traffic is limited
     * @param bitsPerSecond the rate, in bits per second
     * @return the fault, in force until healed: healing deletes the root qdiscs it set, and
     *         the links go back to their default ones
     * @throws InvalidParameterException below 8 kbit/s (the bucket's time would overflow
     *         libnl's 32-bit ticks) or above 17 Gbit/s (libnl's 32-bit bytes per second)
     * @throws AlreadyExistsException if a bandwidth or delay fault of n is in force already
     *         (each sets the root qdisc of the same links)
     */
    public Fault bandwidth(Node n, long bitsPerSecond) {
        if (bitsPerSecond < 8_000 || bitsPerSecond / 8 > Integer.MAX_VALUE) {
            throw new InvalidParameterException("bandwidth " + bitsPerSecond + " bit/s: from 8 kbit/s to 17 Gbit/s");
        }
        long rate = bitsPerSecond / 8;
        int burst = (int) Math.max(3_000, rate / 100);
        int limit = (int) Math.min(Integer.MAX_VALUE, Math.max(2L * burst, rate / 20));
        return apply(Fault.Kind.BANDWIDTH, "bandwidth " + bitsPerSecond + " bit/s " + n.name(),
                "the queueing disciplines of " + n.name(), (id, undo) -> {
            for (LinkEnd[] pair : links(n)) {
                for (LinkEnd end : pair) {
                    Netlink nl = handles(end.namespace()).netlink();
                    nl.limitBandwidth(end.index(), rate, burst, limit);
                    undo.add(() -> deleteQdisc(nl, end.index()));
                }
            }
        });
    }

    /**
     * Holds back what the node sends by delay (netem on its side of each link): a round trip
     * to it grows by delay.
     *
     * @param n     the host or sandbox whose sending is delayed
     * @param delay how long each packet is held back, from 0 to 240 s, to the microsecond
     * @return the fault, in force until healed: healing deletes the netem qdiscs, and the
     *         links go back to their default ones
     * @throws org.libnetwork4j.NotSupportedException on a kernel without netem (its message
     *         names CONFIG_NET_SCH_NETEM); nothing is changed then
     * @throws InvalidParameterException for a delay out of that range
     * @throws AlreadyExistsException if a bandwidth or delay fault of n is in force already
     */
    public Fault delay(Node n, Duration delay) {
        return apply(Fault.Kind.DELAY, "delay " + delay.toMillis() + " ms " + n.name(),
                "the queueing disciplines of " + n.name(), (id, undo) -> {
            for (LinkEnd[] pair : links(n)) {
                Netlink nl = handles(pair[0].namespace()).netlink();
                nl.netemDelay(pair[0].index(), delay, Duration.ZERO);
                undo.add(() -> deleteQdisc(nl, pair[0].index()));
            }
        });
    }

    /**
     * Lookups of name (over UDP, as the C library and dig send them first) fail at once in every
     * sandbox of the lab as it is now: the query is answered by an ICMP port unreachable, as
     * if no resolver were there. Other names resolve as before. A sandbox made later is not
     * affected.
     *
     * @param name the name whose lookups fail, matched as given and in lower case (a trailing
     *             dot is ignored); a query the resolver makes with a search domain
     *             appended is for another name and is not matched
     * @return the fault, in force until healed
     * @throws InvalidParameterException for a name that is not 1 to 253 characters in labels
     *         of 1 to 63 printable ASCII characters; nothing is changed then
     */
    public Fault dnsFailure(String name) {
        List<LabSandbox> all = new ArrayList<>();
        for (LabHost h : hosts()) {
            all.addAll(h.sandboxes());
        }
        return dnsFailure(name, all);
    }

    /**
     * Lookups of name fail at once in these sandboxes (see {@link #dnsFailure(String)}).
     *
     * @param name      the name whose lookups fail, as for {@link #dnsFailure(String)}
     * @param sandboxes the sandboxes of this lab where they fail
     * @return the fault, in force until healed
     * @throws InvalidParameterException for a bad name, as for {@link #dnsFailure(String)}
     */
    public Fault dnsFailure(String name, Collection<LabSandbox> sandboxes) {
        FaultRules.wireName(name); // refuse a bad name before anything is changed
        return apply(Fault.Kind.DNS_FAILURE, "dns failure " + name + " in " + names(sandboxes), (id, undo) -> {
            for (LabSandbox s : sandboxes) {
                nft(s, id, undo, FaultRules.dnsFailure(id, "lab fault " + id, name), FaultRules.deleteInet(id));
            }
        });
    }

    /**
     * The faults in force, oldest first.
     *
     * @return an unmodifiable copy: faults made or healed later do not change it
     */
    public List<Fault> faults() {
        return List.copyOf(faults);
    }

    /** Heals every fault in force. */
    public void healAll() {
        List<RuntimeException> errors = new ArrayList<>();
        for (Fault f : faults()) {
            try {
                heal(f);
            } catch (RuntimeException e) {
                errors.add(e);
            }
        }
        throwFirst("heal the lab's faults", errors);
    }

    void heal(Fault f) {
        if (!faults.remove(f)) {
            return; // healed already
        }
        throwFirst("heal " + f.description(), f.undo());
    }

    /** Builds a fault through steps that register their undo; on failure undoes what was done. */
    private Fault apply(Fault.Kind kind, String description, Steps steps) {
        return apply(kind, description, null, steps);
    }

    /**
     * The same for a fault that holds claim (link state, a root qdisc: one value per link, so
     * a second fault would overwrite the first and the first heal undo both) while in force.
     */
    private Fault apply(Fault.Kind kind, String description, String claim, Steps steps) {
        checkCaller(description);
        int id = faultIds.incrementAndGet();
        if (claim != null) {
            Integer holder = claims.putIfAbsent(claim, id);
            if (holder != null) {
                throw new AlreadyExistsException(description + ": fault " + holder
                        + " holds " + claim + "; heal it first");
            }
        }
        List<Fault.Undo> undo = new ArrayList<>();
        try {
            steps.run(id, undo);
        } catch (RuntimeException e) {
            for (int i = undo.size() - 1; i >= 0; i--) {
                try {
                    undo.get(i).undo();
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            if (claim != null) {
                claims.remove(claim, id);
            }
            throw e;
        }
        if (claim != null) {
            undo.add(0, () -> claims.remove(claim, id)); // undone last: released once healed
        }
        Fault f = new Fault(this, id, kind, description, undo);
        faults.add(f);
        return f;
    }

    private interface Steps {
        void run(int id, List<Fault.Undo> undo);
    }

    // ---- namespaces, links, rules ----

    /** One end of a link: the namespace it is in and its index there. */
    private record LinkEnd(Path namespace, int index) {
    }

    private Handles handles(Path ns) {
        return handles.computeIfAbsent(ns, p -> new Handles(Netns.open(p)));
    }

    /** The interfaces of n that carry its traffic: a sandbox's endpoints', a host's eth0. */
    private static List<String> ruleInterfaces(Node n) {
        if (n instanceof LabHost) {
            return List.of("eth0");
        }
        List<String> names = new ArrayList<>();
        for (var e : ((LabSandbox) n).sandbox().endpoints()) {
            if (e.info().interfaceName() != null) {
                names.add(e.info().interfaceName());
            }
        }
        return names;
    }

    /** Each link of n as {its own end, the far end}. */
    private List<LinkEnd[]> links(Node n) {
        List<LinkEnd[]> pairs = new ArrayList<>();
        if (n instanceof LabHost h) {
            Link own = handles(h.namespace()).netlink().link("eth0");
            Link far = handles(underlay.path().orElseThrow()).netlink().link("u" + h.number());
            pairs.add(new LinkEnd[] {new LinkEnd(h.namespace(), own.index()),
                    new LinkEnd(underlay.path().orElseThrow(), far.index())});
            return pairs;
        }
        LabSandbox s = (LabSandbox) n;
        Netlink inside = handles(s.namespace()).netlink();
        Netlink host = handles(s.host().namespace()).netlink();
        for (var e : s.sandbox().endpoints()) {
            String ifname = e.info().interfaceName();
            if (ifname == null) {
                continue;
            }
            Link own = inside.link(ifname);
            Link far = host.link(own.peerIndex());
            if (!"veth".equals(far.kind()) || far.peerIndex() != own.index()) {
                throw new NotSupportedException("lab fault on " + n + ": interface " + ifname
                        + " is not a veth whose other end is in its host");
            }
            pairs.add(new LinkEnd[] {new LinkEnd(s.namespace(), own.index()),
                    new LinkEnd(s.host().namespace(), far.index())});
        }
        if (pairs.isEmpty()) {
            throw new InvalidParameterException("lab fault on " + n + ": it has no link");
        }
        return pairs;
    }

    private List<LinkEnd> farEnds(Node n) {
        return links(n).stream().map(p -> p[1]).toList();
    }

    private void nft(Node n, int id, List<Fault.Undo> undo, String rules) {
        nft(n, id, undo, rules, FaultRules.deleteNetdev(id));
    }

    private void nft(Node n, int id, List<Fault.Undo> undo, String rules, String heal) {
        Nftables nft = handles(n.namespace()).nftables();
        nft.apply(rules);
        undo.add(() -> {
            try {
                nft.apply(heal);
            } catch (NotFoundException gone) {
                // deleted with its namespace, or by hand: healed either way
            }
        });
    }

    private static void deleteQdisc(Netlink nl, int index) {
        try {
            nl.deleteRootQdisc(index);
        } catch (NotFoundException gone) {
            // the link went, or someone else removed it: healed either way
        }
    }

    private static String names(Collection<? extends Node> nodes) {
        return nodes.stream().map(Node::name).collect(Collectors.joining(", ", "[", "]"));
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the lab in " + dir + " is closed");
        }
    }

    /** checkOpen, and refuseInsideNamespace: what every entry point that makes or changes things does first. */
    void checkCaller(String what) {
        checkOpen();
        refuseInsideNamespace(what);
    }

    /**
     * Refuses a call from a thread inside a lab namespace (code run by {@link LabSandbox#call}):
     * the controller, the JDK's process reaper and the common pool start threads from the
     * calling thread, and those would be born in the sandbox and serve the whole JVM from there;
     * a call into another sandbox could wait on a thread that waits on us.
     */
    void refuseInsideNamespace(String what) {
        try {
            if (!Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).equals(PROCESS_NAMESPACE)) {
                throw new IllegalStateException(what + ": refused on a thread inside a sandbox (code run by"
                        + " call()): threads it would start would be born in the sandbox's namespace; call it from outside");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void throwFirst(String what, List<? extends Throwable> errors) {
        if (errors.isEmpty()) {
            return;
        }
        Throwable first = errors.get(0);
        RuntimeException e = first instanceof RuntimeException r ? r : new IllegalStateException(what, first);
        errors.subList(1, errors.size()).forEach(e::addSuppressed);
        throw e;
    }

    // ---- the end ----

    /**
     * Stops the sandboxes' threads, heals the faults, closes the controllers and removes every
     * namespace and file of the lab. Collects every error (the first thrown, the others
     * suppressed) and goes on. Idempotent.
     *
     * @throws IllegalStateException also when threads of this JVM were still in a lab namespace
     *         (named in the message), after everything else is removed
     */
    @Override
    public void close() {
        refuseInsideNamespace("close " + this); // it would wait for its own thread to end
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        List<Throwable> errors = new ArrayList<>();
        List<LabHost> all = hosts();
        for (LabHost h : all) {
            for (LabSandbox s : h.sandboxes()) {
                try {
                    if (!s.stopThread(THREAD_STOP)) {
                        errors.add(new IllegalStateException("the thread of " + s + " did not end within "
                                + THREAD_STOP.toSeconds() + " s of its interrupt"));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    errors.add(e);
                }
            }
        }
        for (Fault f : faults()) {
            faults.remove(f);
            errors.addAll(f.undo());
        }
        // Identities first: once unmounted, a namespace kept alive by a thread has no name left.
        Map<NsId, String> namespaces = new LinkedHashMap<>();
        for (Path p : LabReaper.mountsBelow(dir)) {
            try (Netns ns = Netns.open(p)) {
                namespaces.put(ns.id(), label(p));
            } catch (RuntimeException e) {
                errors.add(e);
            }
        }
        for (Handles hh : handles.values()) {
            try {
                hh.close();
            } catch (RuntimeException e) {
                errors.add(e);
            }
        }
        handles.clear();
        for (LabHost h : all) {
            try {
                h.controller().close();
            } catch (RuntimeException e) {
                errors.add(e);
            }
        }
        List<String> stuck = new ArrayList<>();
        namespaces.forEach((id, what) -> NamespaceThread.threadsIn(id).forEach((tid, name) ->
                stuck.add("thread " + tid + " \"" + name + "\" in " + what)));
        LabReaper.remove(dir, errors);
        LabReaper.removeRootIfEmpty(ROOT);
        OPEN.remove(this);
        if (!stuck.isEmpty()) {
            IllegalStateException e = new IllegalStateException("threads were left in lab namespaces (started by"
                    + " code run in a sandbox and never stopped; each keeps its namespace alive): "
                    + String.join("; ", stuck));
            errors.forEach(e::addSuppressed);
            throw e;
        }
        throwFirst("close the lab in " + dir, errors);
    }

    /** "sandbox c1 on h1" for a sandbox's namespace file, else the file's name. */
    private String label(Path nsFile) {
        for (LabHost h : hosts.values()) {
            if (h.namespace().equals(nsFile)) {
                return "host " + h.name();
            }
            for (LabSandbox s : h.sandboxes()) {
                if (s.namespace().equals(nsFile)) {
                    return s.toString();
                }
            }
        }
        return nsFile.toString();
    }

    @Override
    public String toString() {
        return "lab " + dir.getFileName();
    }
}
