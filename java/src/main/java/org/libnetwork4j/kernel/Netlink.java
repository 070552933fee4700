package org.libnetwork4j.kernel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.LongToIntFunction;

import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.NotSupportedException;
import org.libnetwork4j.internal.jni.LnwAddr;
import org.libnetwork4j.internal.jni.LnwErr;
import org.libnetwork4j.internal.jni.LnwLink;
import org.libnetwork4j.internal.jni.LnwNative;
import org.libnetwork4j.internal.jni.LnwNeigh;
import org.libnetwork4j.internal.jni.LnwRoute;

/**
 * An rtnetlink handle bound to one network namespace for its whole life (vishvananda/netlink's
 * {@code Handle}): the socket is opened inside the namespace once, on a native thread, and
 * everything sent through it applies there, whichever JVM thread sends it.
 *
 * <p>Thread-safe: calls on one handle run one at a time (a netlink socket carries one
 * request/answer exchange at a time); give each worker its own handle for parallelism.
 * Every method names its {@code ip} equivalent. Errors are the typed exceptions of
 * {@link org.libnetwork4j.NetworkException}, e.g. {@link NotFoundException} for a missing
 * link (ENODEV) and {@link org.libnetwork4j.AlreadyExistsException} for a taken name
 * (EEXIST), with the kernel's own explanation when it gives one.
 */
public final class Netlink implements AutoCloseable {
    static {
        NativeLoader.ensureLoaded();
    }

    private final NativeHandle handle;
    private final NsId namespace;
    // Scratch structs for the native calls, used only under the handle's exclusive lock.
    private final LnwErr err = new LnwErr();
    private final LnwLink link = new LnwLink();
    private final LnwLink peerLink = new LnwLink();

    private Netlink(long ptr, NsId namespace) {
        this.handle = new NativeHandle("netlink handle of " + namespace, ptr);
        this.namespace = namespace;
    }

    /**
     * Opens a handle bound to ns. The handle does not need ns to stay open.
     *
     * @param ns the namespace every request of the handle acts in
     * @return a new handle, which the caller closes
     * @throws org.libnetwork4j.InvalidParameterException if ns is closed
     * @throws NotFoundException if ns is referred to by path ({@link Netns#byPath}) and is gone
     */
    public static Netlink open(Netns ns) {
        return ns.withFd("open netlink", fd -> {
            LnwErr e = new LnwErr();
            long ptr = LnwNative.lnw_nl_open_at(fd, e);
            if (ptr == 0) {
                throw Errors.of(e, ns.toString());
            }
            return new Netlink(ptr, ns.id());
        });
    }

    /**
     * The namespace this handle is bound to.
     *
     * @return the identity of that namespace, the same for the handle's whole life
     */
    public NsId namespace() {
        return namespace;
    }

    // ---- links ----

    /**
     * `ip link show dev NAME`.
     *
     * @param name the link's name in this handle's namespace
     * @return the link as the kernel reports it now, with alias "" (see {@link Link})
     * @throws NotFoundException if there is none
     * @throws org.libnetwork4j.InvalidParameterException if name is not a valid interface name
     *         (empty, over 15 bytes, "." or "..", or containing '/', ':' or white space)
     */
    public Link link(String name) {
        return handle.exclusive("get link", p -> {
            check(LnwNative.lnw_link_get_by_name(p, name, link, err), name);
            return Link.of(link);
        });
    }

    /**
     * The link called name, if there is one.
     *
     * @param name the link's name in this handle's namespace
     * @return the link, with alias "", or empty if there is none
     * @throws org.libnetwork4j.InvalidParameterException if name is not a valid interface name
     */
    public Optional<Link> findLink(String name) {
        return handle.exclusive("get link", p -> {
            int rc = LnwNative.lnw_link_get_by_name(p, name, link, err);
            // absent is an answer here, not a failure: no exception made and dropped for it
            if (rc == -LnwNative.ENODEV) {
                return Optional.<Link>empty();
            }
            check(rc, name);
            return Optional.of(Link.of(link));
        });
    }

    /**
     * `ip link show` by index.
     *
     * @param index the link's ifindex in this handle's namespace
     * @return the link as the kernel reports it now, with alias ""
     * @throws NotFoundException if there is none
     * @throws org.libnetwork4j.InvalidParameterException if index is not positive
     */
    public Link link(int index) {
        return handle.exclusive("get link", p -> {
            check(LnwNative.lnw_link_get_by_index(p, index, link, err), "index " + index);
            return Link.of(link);
        });
    }

    /**
     * The alias of the link at index, "" if it has none.
     *
     * @param index the link's ifindex in this handle's namespace
     * @return its alias ({@code ip link set X alias A}, at most 255 bytes), or ""
     * @throws NotFoundException if there is none
     */
    public String alias(int index) {
        return handle.exclusive("get link alias", p -> {
            byte[] buf = new byte[LnwNative.LNW_IFALIASZ];
            check(LnwNative.lnw_link_get_alias(p, index, buf, buf.length, err), "index " + index);
            return Errors.cString(buf);
        });
    }

    /**
     * `ip link show`: every link of the namespace, with its alias.
     *
     * @return a new list of the links, in the order the kernel dumped them
     */
    public List<Link> links() {
        return dumpLinks("list links", "links of " + namespace, p -> LnwNative.lnw_link_list(p, err));
    }

    /**
     * The ports of a bridge: `ip link show master BRIDGE`, filtered by the kernel.
     *
     * @param bridgeIndex ifindex of the bridge
     * @return the links whose master it is, with their aliases; empty if there are none,
     *         also when no link has that index
     * @throws org.libnetwork4j.InvalidParameterException if bridgeIndex is not positive
     */
    public List<Link> ports(int bridgeIndex) {
        return dumpLinks("list ports", "ports of index " + bridgeIndex + " in " + namespace,
                p -> LnwNative.lnw_link_list_ports(p, bridgeIndex, err));
    }

    /**
     * Every bridge port, as the bridges report them (`bridge link show`): with no alias, kind
     * or peer namespace id (-1), and far cheaper than {@link #links} with thousands of veth
     * ends whose peers are in other namespaces (see native/src/link.c).
     *
     * @return the ports of every bridge of this handle's namespace
     */
    public List<Link> bridgePorts() {
        return dumpLinks("list bridge ports", "bridge ports of " + namespace,
                p -> LnwNative.lnw_link_list_bridge_ports(p, err));
    }

    /** A link dump made by the native call dump (a list, or 0 with err set), read into Links. */
    private List<Link> dumpLinks(String op, String object, java.util.function.LongUnaryOperator dump) {
        return handle.exclusive(op, p -> {
            long list = dump.applyAsLong(p);
            if (list == 0) {
                throw Errors.of(err, object);
            }
            try {
                int n = LnwNative.lnw_list_count(list);
                List<Link> out = new ArrayList<>(n);
                byte[] alias = new byte[LnwNative.LNW_IFALIASZ];
                for (int i = 0; i < n; i++) {
                    if (LnwNative.lnw_link_list_get(list, i, link) == 0) {
                        int len = LnwNative.lnw_link_list_get_alias(list, i, alias, alias.length);
                        out.add(Link.of(link, len > 0 ? Errors.cString(alias) : ""));
                    }
                }
                return out;
            } finally {
                LnwNative.lnw_list_free(list);
            }
        });
    }

    /**
     * A veth pair in one request, the peer born in {@code spec.peerNamespace()}'s namespace
     * (see {@link VethSpec}). Both ends are read back; if that fails, the pair is deleted and
     * the error thrown. {@code ip link add NAME type veth peer PEER netns NS}.
     *
     * @param spec the names of both ends, the peer's namespace and the pair's options
     * @return both ends as read back: {@code host} in this handle's namespace, {@code peer}
     *         in the peer's
     * @throws org.libnetwork4j.AlreadyExistsException if NAME is taken here, or PEER in the
     *         peer's namespace
     * @throws org.libnetwork4j.InvalidParameterException if a name is not a valid interface name
     */
    public VethPair createVeth(VethSpec spec) {
        Netlink peer = spec.peerNamespace() != null ? spec.peerNamespace() : this;
        byte[] mac = spec.peerMac() != null ? spec.peerMac().toBytes() : null;
        return NativeHandle.exclusive(handle, peer.handle, "create veth", (p, q) -> {
            check(LnwNative.lnw_link_veth_create(p, spec.name(), q, spec.peerName(),
                    spec.master(), spec.mtu(), spec.bringUp() ? 1 : 0, mac, mac == null ? 0 : 6,
                    link, peerLink, err), spec.name());
            return new VethPair(Link.of(link), Link.of(peerLink));
        });
    }

    /**
     * `ip link add NAME [address MAC] [mtu M] [up] type bridge [mcast_snooping 0]`.
     *
     * @param spec the bridge's name and options
     * @return the new bridge, in this handle's namespace
     * @throws org.libnetwork4j.AlreadyExistsException if the name is taken
     */
    public Link createBridge(BridgeSpec spec) {
        byte[] mac = spec.mac() != null ? spec.mac().toBytes() : null;
        return handle.exclusive("create bridge", p -> {
            check(LnwNative.lnw_link_bridge_create(p, spec.name(), spec.mtu(), spec.bringUp() ? 1 : 0,
                    spec.mcastSnooping() ? 1 : 0, mac, mac == null ? 0 : 6, link, err), spec.name());
            return Link.of(link);
        });
    }

    /**
     * `ip link add NAME link PARENT type macvlan mode MODE [netns NS]`.
     *
     * @param spec the device's name, parent (in this handle's namespace), mode, address and
     *             target namespace
     * @return the new device, as read in the namespace it was created in
     * @throws org.libnetwork4j.AlreadyExistsException if the name is taken there
     * @throws NotFoundException if there is no link {@code spec.parentIndex()}
     */
    public Link createMacvlan(MacvlanSpec spec) {
        Netlink target = spec.targetNamespace() != null ? spec.targetNamespace() : this;
        return NativeHandle.exclusive(handle, target.handle, "create macvlan", (p, q) -> {
            byte[] mac = spec.mac() == null ? null : spec.mac().toBytes();
            check(LnwNative.lnw_link_macvlan_create(p, spec.name(), spec.parentIndex(),
                    spec.mode().value(), mac, mac == null ? 0 : mac.length, target == this ? 0 : q, link, err),
                    spec.name());
            return Link.of(link);
        });
    }

    /** The ipvlan modes (`ip link add ... type ipvlan mode l2|l3|l3s`). */
    public enum IpvlanMode {
        /**
         * Layer 2: frames are switched out through the parent; the device sends and receives
         * broadcast and multicast.
         */
        L2,
        /**
         * Layer 3: packets take the routing and neighbour resolution of the parent's namespace;
         * no broadcast or multicast.
         */
        L3,
        /**
         * As {@link #L3}, with netfilter's connection tracking working on the traffic
         * (L3-symmetric).
         */
        L3S
    }

    /**
     * `ip link add NAME link PARENT type ipvlan mode MODE [netns NS]`: born in target's
     * namespace when target is not null.
     *
     * @param name        the device's name
     * @param parentIndex ifindex of the parent link, in this handle's namespace
     * @param mode        how the device shares the parent
     * @param target      handle of the namespace to create it in; null for this handle's
     * @return the new device, as read in the namespace it was created in
     * @throws NotSupportedException on a kernel without ipvlan (CONFIG_IPVLAN), named
     * @throws org.libnetwork4j.AlreadyExistsException if the name is taken there
     * @throws NotFoundException if there is no link parentIndex
     */
    public Link createIpvlan(String name, int parentIndex, IpvlanMode mode, Netlink target) {
        Netlink t = target != null ? target : this;
        return withKernelOption("ipvlan", "CONFIG_IPVLAN, module ipvlan", () ->
                NativeHandle.exclusive(handle, t.handle, "create ipvlan", (p, q) -> {
                    check(LnwNative.lnw_link_ipvlan_create(p, name, parentIndex, mode.ordinal(), t == this ? 0 : q,
                            link, err), name);
                    return Link.of(link);
                }));
    }

    /**
     * `ip link add NAME link PARENT type vlan id ID`.
     *
     * @param name        the device's name
     * @param parentIndex ifindex of the link whose frames it tags and untags
     * @param vlanId      the 802.1q VLAN id, 1 to 4094
     * @return the new device, in this handle's namespace
     * @throws NotSupportedException on a kernel without 802.1q (CONFIG_VLAN_8021Q), named
     * @throws org.libnetwork4j.InvalidParameterException if vlanId is not in 1..4094
     * @throws NotFoundException if there is no link parentIndex
     */
    public Link createVlan(String name, int parentIndex, int vlanId) {
        return withKernelOption("802.1q VLAN", "CONFIG_VLAN_8021Q, module 8021q", () ->
                handle.exclusive("create vlan", p -> {
                    check(LnwNative.lnw_link_vlan_create(p, name, parentIndex, vlanId, link, err), name);
                    return Link.of(link);
                }));
    }

    /** fn, with the kernel's "unknown device type" (EOPNOTSUPP) said in terms of the option it lacks. */
    private static <T> T withKernelOption(String kind, String option, java.util.function.Supplier<T> fn) {
        try {
            return fn.get();
        } catch (NotSupportedException e) {
            if (e.errno() != LnwNative.EOPNOTSUPP) {
                throw e;
            }
            throw new NotSupportedException(e.getMessage() + ": this kernel has no " + kind + " devices (" + option
                    + ")", e.errno(), e.operation(), e.object(), e);
        }
    }

    /**
     * `ip link add NAME type vxlan id VNI ...` (see {@link VxlanSpec}).
     *
     * @param spec the device's name, VNI, local address, parent, UDP port, learning, ARP proxy
     *             and MTU
     * @return the new device, in this handle's namespace
     * @throws org.libnetwork4j.AlreadyExistsException if the name is taken, or a VXLAN device
     *         with the same VNI on the same UDP port exists
     */
    public Link createVxlan(VxlanSpec spec) {
        byte[] local = spec.local() != null ? spec.local().getAddress() : null;
        return handle.exclusive("create vxlan", p -> {
            check(LnwNative.lnw_link_vxlan_create(p, spec.name(), spec.vni(), local,
                    local == null ? 0 : local.length, spec.parentIndex(), spec.port(),
                    spec.learning() ? 1 : 0, spec.proxy() ? 1 : 0, spec.mtu(), link, err), spec.name());
            return Link.of(link);
        });
    }

    /**
     * `ip link set dev X up`.
     *
     * @param index the link's ifindex
     * @throws NotFoundException if there is no such link
     */
    public void setUp(int index) {
        run("set link up", index, p -> LnwNative.lnw_link_set_up(p, index, err));
    }

    /**
     * `ip link set dev X down`.
     *
     * @param index the link's ifindex
     * @throws NotFoundException if there is no such link
     */
    public void setDown(int index) {
        run("set link down", index, p -> LnwNative.lnw_link_set_down(p, index, err));
    }

    /**
     * `ip link set dev X mtu M`.
     *
     * @param index the link's ifindex
     * @param mtu   the new MTU, in bytes
     * @throws org.libnetwork4j.InvalidParameterException if mtu is not positive or outside what
     *         the link accepts
     */
    public void setMtu(int index, int mtu) {
        run("set link mtu", index, p -> LnwNative.lnw_link_set_mtu(p, index, mtu, err));
    }

    /**
     * `ip link set dev X address MAC`.
     *
     * @param index the link's ifindex
     * @param mac   its new link-layer address
     */
    public void setMac(int index, org.libnetwork4j.MacAddress mac) {
        byte[] b = mac.toBytes();
        run("set link address", index, p -> LnwNative.lnw_link_set_mac(p, index, b, 6, err));
    }

    /**
     * `ip link set dev X master BRIDGE`.
     *
     * @param index       the link's ifindex
     * @param bridgeIndex ifindex of the bridge to make it a port of; 0 detaches it, as
     *                    {@link #setNoMaster}
     * @throws NotSupportedException if bridgeIndex is a link that takes no ports
     */
    public void setMaster(int index, int bridgeIndex) {
        run("set link master", index, p -> LnwNative.lnw_link_set_master(p, index, bridgeIndex, err));
    }

    /**
     * `ip link set dev X nomaster`.
     *
     * @param index the link's ifindex; a link without master is left as it is
     */
    public void setNoMaster(int index) {
        run("set link nomaster", index, p -> LnwNative.lnw_link_set_master(p, index, 0, err));
    }

    /**
     * `ip link set dev X name NEW`; the link must be down.
     *
     * @param index   the link's ifindex
     * @param newName its new name, a valid interface name
     * @throws org.libnetwork4j.AlreadyExistsException if newName is taken
     */
    public void rename(int index, String newName) {
        run("rename link", index, p -> LnwNative.lnw_link_set_name(p, index, newName, err));
    }

    /**
     * `ip link set dev X netns NS`. Slow (~18 ms of kernel waiting): prefer creating in place.
     * In target the link keeps its ifindex unless another link has it there.
     *
     * @param index  the link's ifindex in this handle's namespace
     * @param target the namespace to move it to, borrowed for the call
     * @throws org.libnetwork4j.AlreadyExistsException if target has a link of the same name
     */
    public void moveTo(int index, Netns target) {
        target.withFd("move link", fd -> {
            run("move link", index, p -> LnwNative.lnw_link_set_netns(p, index, fd, err));
            return null;
        });
    }

    /**
     * `ip link set dev X netns NS name NEW`: moved and renamed in one request. Not atomic: with
     * NEW taken in the target, the link is there under its old name and this throws
     * {@link org.libnetwork4j.AlreadyExistsException}. Slow, as any move.
     *
     * @param index   the link's ifindex in this handle's namespace
     * @param target  the namespace to move it to, borrowed for the call
     * @param newName its name in target, a valid interface name
     */
    public void moveTo(int index, Netns target, String newName) {
        target.withFd("move link", fd -> {
            run("move link", index, p -> LnwNative.lnw_link_move(p, index, fd, newName, err));
            return null;
        });
    }

    /**
     * `ip link set dev X group G`.
     *
     * @param index the link's ifindex
     * @param group the group number; 0 is the default group of every link (see
     *              {@link #deleteGroup})
     */
    public void setGroup(int index, int group) {
        run("set link group", index, p -> LnwNative.lnw_link_set_group(p, index, group, err));
    }

    /**
     * `ip link set dev X addrgenmode none|eui64`: whether the link makes itself an IPv6
     * link-local address (and with it duplicate address detection, router and listener
     * solicitations) when it gets carrier. A bridge port needs none: it is a layer-2 port.
     *
     * @param index the link's ifindex
     * @param on    true for eui64 (an address derived from the link's MAC), false for none;
     *              takes effect the next time the link gets carrier
     */
    public void setIpv6LinkLocal(int index, boolean on) {
        int mode = on ? LnwNative.IN6_ADDR_GEN_MODE_EUI64 : LnwNative.IN6_ADDR_GEN_MODE_NONE;
        run("set link addrgenmode", index, p -> LnwNative.lnw_link_set_addr_gen_mode(p, index, mode, err));
    }

    /**
     * `ip link set dev X [up|down] [alias ALIAS] [addrgenmode none|eui64] [group G]`, in one request (see
     * {@link LinkChange}). An alias names the link's owner for whoever reads the links back
     * ({@link #links}).
     *
     * @param index the link's ifindex
     * @param c     what to change; its null components are left as they are
     * @throws org.libnetwork4j.InvalidParameterException if the alias is over 255 bytes
     */
    public void change(int index, LinkChange c) {
        int up = c.up() == null ? -1 : c.up() ? 1 : 0;
        int mode = c.ipv6LinkLocal() == null ? -1
                : c.ipv6LinkLocal() ? LnwNative.IN6_ADDR_GEN_MODE_EUI64 : LnwNative.IN6_ADDR_GEN_MODE_NONE;
        int group = c.group() == null ? -1 : c.group();
        run("configure link", index, p -> LnwNative.lnw_link_configure(p, index, up, c.alias(), mode, group, err));
    }

    /**
     * `bridge link set dev X hairpin on|off`.
     *
     * @param index ifindex of a bridge port
     * @param on    whether the bridge may send a frame back out of the port it came in on
     */
    public void setHairpin(int index, boolean on) {
        run("set hairpin", index, p -> LnwNative.lnw_link_set_hairpin(p, index, on ? 1 : 0, err));
    }

    /**
     * `bridge link set dev X isolated on|off`: the bridge forwards no frame from one isolated
     * port to another; to and from the bridge itself and ports that are not isolated, frames
     * pass. See {@code lnw_link_set_isolated}.
     *
     * @param index ifindex of a bridge port
     * @param on    whether the port is isolated
     */
    public void setIsolated(int index, boolean on) {
        run("set isolated", index, p -> LnwNative.lnw_link_set_isolated(p, index, on ? 1 : 0, err));
    }

    /**
     * Has the kernel carry out now what the last carrier change of the link implies (its queue
     * attached, a bridge port enabled), instead of its link-watch worker some milliseconds
     * later, meanwhile dropping what the link sends. See {@code lnw_link_settle}.
     *
     * @param name the link's name in this handle's namespace
     * @return whether the link has carrier; false too for a link that reports none
     * @throws NotFoundException if there is no such link
     */
    public boolean settle(String name) {
        return handle.exclusive("settle link", p -> {
            int rc = LnwNative.lnw_link_settle(p, name, err);
            if (rc == -LnwNative.EOPNOTSUPP) {
                return false;
            }
            check(rc, name);
            return rc == 1;
        });
    }

    /**
     * `ip link del dev X`; one end of a veth takes the pair.
     *
     * @param index the link's ifindex
     * @throws NotFoundException if gone
     */
    public void deleteLink(int index) {
        run("delete link", index, p -> LnwNative.lnw_link_delete(p, index, err));
    }

    /**
     * `ip link delete group G`: every link of the group, in one request.
     *
     * @param group the group, as set by {@link #setGroup}
     * @throws org.libnetwork4j.InvalidParameterException if group is not positive (group 0
     *         holds every link)
     * @throws NotFoundException if no link is in the group
     * @throws NotSupportedException if a link of the group cannot be deleted (a physical
     *         device); then none is
     */
    public void deleteGroup(int group) {
        runOn("delete link group", Integer.toString(group),
                p -> LnwNative.lnw_link_delete_group(p, group, err));
    }

    // ---- addresses ----

    /**
     * `ip addr add PREFIX dev X [nodad]`; IPv4 gets its broadcast address.
     *
     * @param a the address, with the ifindex of its link
     * @throws org.libnetwork4j.AlreadyExistsException if the link has it already
     */
    public void addAddr(Addr a) {
        LnwAddr n = a.toNative();
        runOn("add address", a.toString(), p -> LnwNative.lnw_addr_add(p, n, err));
    }

    /**
     * `ip addr del PREFIX dev X`.
     *
     * @param a the address, with the ifindex of its link
     * @throws NotFoundException if the link does not have it (EADDRNOTAVAIL)
     */
    public void delAddr(Addr a) {
        LnwAddr n = a.toNative();
        runOn("delete address", a.toString(), p -> LnwNative.lnw_addr_del(p, n, err));
    }

    /**
     * `ip addr show`, of every link.
     *
     * @return every IPv4 and IPv6 address of this handle's namespace
     */
    public List<Addr> addrs() {
        return addrs(0);
    }

    /**
     * `ip addr show dev X` (ifindex 0: every link).
     *
     * @param ifindex the link's ifindex, or 0
     * @return its IPv4 and IPv6 addresses; empty also when no link has that index
     */
    public List<Addr> addrs(int ifindex) {
        return handle.exclusive("list addresses", p -> {
            long list = LnwNative.lnw_addr_list(p, ifindex, LnwNative.AF_UNSPEC, err);
            if (list == 0) {
                throw Errors.of(err, ifindex == 0 ? "addresses of " + namespace : "addresses of index " + ifindex);
            }
            try {
                int n = LnwNative.lnw_list_count(list);
                List<Addr> out = new ArrayList<>(n);
                LnwAddr a = new LnwAddr();
                for (int i = 0; i < n; i++) {
                    if (LnwNative.lnw_addr_list_get(list, i, a) == 0) {
                        out.add(Addr.of(a));
                    }
                }
                return out;
            } finally {
                LnwNative.lnw_list_free(list);
            }
        });
    }

    // ---- routes ----

    /**
     * `ip route add ...` (see {@link Route}).
     *
     * @param r the route
     * @throws org.libnetwork4j.AlreadyExistsException if its table has that route already
     * @throws org.libnetwork4j.InvalidParameterException if it has neither gateway nor output
     *         link
     */
    public void addRoute(Route r) {
        LnwRoute n = r.toNative();
        runOn("add route", r.toString(), p -> LnwNative.lnw_route_add(p, n, err));
    }

    /**
     * `ip route del ...`.
     *
     * @param r the route, as added
     * @throws NotFoundException (ESRCH) if there is no such route
     */
    public void delRoute(Route r) {
        LnwRoute n = r.toNative();
        runOn("delete route", r.toString(), p -> LnwNative.lnw_route_del(p, n, err));
    }

    // ---- batches ----

    /**
     * Changes for {@link #apply}: {@code ip addr add}, {@code ip link set up} and {@code ip route
     * add}, in the order given. Building one sends nothing.
     */
    public static final class Batch {
        private record NoLinkLocal(int index) {
        }

        private final List<Object> steps = new ArrayList<>();

        /**
         * Queues {@link Netlink#addAddr}.
         *
         * @param a the address, with the ifindex of its link
         * @return this batch
         */
        public Batch addAddr(Addr a) {
            steps.add(a);
            return this;
        }

        /**
         * Queues {@link Netlink#setUp}.
         *
         * @param index the link's ifindex
         * @return this batch
         */
        public Batch setUp(int index) {
            steps.add(index);
            return this;
        }

        /**
         * Queues {@link Netlink#addRoute}.
         *
         * @param r the route
         * @return this batch
         */
        public Batch addRoute(Route r) {
            steps.add(r);
            return this;
        }

        /**
         * No IPv6 link-local address on the link, ever ({@code ip link set addrgenmode none}):
         * queued before its up, so that it sends no duplicate address detection, router
         * solicitation or listener report, which a bridge floods to all its ports.
         *
         * @param index the link's ifindex
         * @return this batch
         */
        public Batch noLinkLocal(int index) {
            steps.add(new NoLinkLocal(index));
            return this;
        }

        /**
         * Whether nothing is queued; {@link Netlink#apply} then sends nothing.
         *
         * @return true if no change is queued
         */
        public boolean isEmpty() {
            return steps.isEmpty();
        }
    }

    /**
     * Runs the batch's changes back to back in one native call (one crossing for a join's
     * three to five requests; see native/src/batch.c for what it gains). Stops at the first
     * failure and throws what that change alone would have thrown; the changes before it stay
     * made.
     *
     * @param batch the changes, which stay queued: the batch can be applied again
     */
    public void apply(Batch batch) {
        if (batch.isEmpty()) {
            return;
        }
        handle.exclusive("apply batch", p -> {
            long b = LnwNative.lnw_batch_new();
            if (b == 0) {
                throw Errors.of(LnwNative.ENOMEM, "cannot allocate a batch", "apply batch", namespace.toString());
            }
            try {
                int rc = 0;
                for (Object step : batch.steps) {
                    if (step instanceof Addr a) {
                        rc = LnwNative.lnw_batch_addr_add(b, a.toNative());
                    } else if (step instanceof Route r) {
                        rc = LnwNative.lnw_batch_route_add(b, r.toNative());
                    } else if (step instanceof Batch.NoLinkLocal n) {
                        rc = LnwNative.lnw_batch_link_addr_gen_mode(b, n.index(), LnwNative.IN6_ADDR_GEN_MODE_NONE);
                    } else {
                        rc = LnwNative.lnw_batch_link_up(b, (Integer) step);
                    }
                    if (rc < 0) {
                        throw Errors.of(-rc, "cannot queue a change", "apply batch", namespace.toString());
                    }
                }
                int[] failed = {-1};
                if (LnwNative.lnw_batch_run(p, b, failed, err) < 0) {
                    Object step = batch.steps.get(failed[0]);
                    throw Errors.of(err, step instanceof Integer i ? "index " + i
                            : step instanceof Batch.NoLinkLocal n ? "index " + n.index() : step.toString());
                }
                return null;
            } finally {
                LnwNative.lnw_batch_free(b);
            }
        });
    }

    /**
     * `ip route show table all`, both families.
     *
     * @return the routes of every table of this handle's namespace, local table included
     */
    public List<Route> routes() {
        return handle.exclusive("list routes", p -> {
            long list = LnwNative.lnw_route_list(p, LnwNative.AF_UNSPEC, err);
            if (list == 0) {
                throw Errors.of(err, "routes of " + namespace);
            }
            try {
                int n = LnwNative.lnw_list_count(list);
                List<Route> out = new ArrayList<>(n);
                LnwRoute r = new LnwRoute();
                for (int i = 0; i < n; i++) {
                    if (LnwNative.lnw_route_list_get(list, i, r) == 0) {
                        out.add(Route.of(r));
                    }
                }
                return out;
            } finally {
                LnwNative.lnw_list_free(list);
            }
        });
    }

    // ---- traffic control ----

    /**
     * `tc qdisc replace dev X root tbf rate R burst B limit L`: what leaves link index is
     * limited to bytesPerSecond, in bursts of at most burst bytes, with up to limit bytes
     * queued and the rest dropped. Replaces the link's root qdisc, whatever it was.
     *
     * @param index          the link's ifindex
     * @param bytesPerSecond the rate, 1 to {@link Integer#MAX_VALUE} bytes per second
     * @param burst          the bucket size, in bytes: the most sent at once above the rate
     * @param limit          the most bytes that wait in the queue
     * @throws org.libnetwork4j.InvalidParameterException if a value is not positive or
     *         bytesPerSecond is over {@link Integer#MAX_VALUE}
     */
    public void limitBandwidth(int index, long bytesPerSecond, int burst, int limit) {
        run("set bandwidth limit", index,
                p -> LnwNative.lnw_qdisc_tbf_set(p, index, bytesPerSecond, burst, limit, err));
    }

    /**
     * `tc qdisc replace dev X root netem delay D jitter J`: what leaves link index is held back
     * (up to 240 s).
     *
     * @param index  the link's ifindex
     * @param delay  added to every packet, 0 to 240 s, in whole microseconds (finer is cut off)
     * @param jitter the random variation of the delay, from 0 to delay
     * @throws NotSupportedException on a kernel without netem (CONFIG_NET_SCH_NETEM), which
     *         the kernel reports as an unknown qdisc kind (ENOENT)
     * @throws org.libnetwork4j.InvalidParameterException if delay or jitter is out of range,
     *         before anything is sent
     */
    public void netemDelay(int index, java.time.Duration delay, java.time.Duration jitter) {
        long d = delay.toNanos() / 1000;
        long j = jitter.toNanos() / 1000;
        // libnl turns microseconds into 32-bit scheduler ticks (x15.625): past 274 s they wrap
        if (d < 0 || d > 240_000_000L || j < 0 || j > d) {
            throw new org.libnetwork4j.InvalidParameterException("delay " + delay + " with jitter " + jitter
                    + ": both from 0 to 240 s, the jitter no more than the delay");
        }
        handle.exclusive("set delay", p -> {
            if (LnwNative.lnw_qdisc_netem_set(p, index, (int) d, (int) j, err) < 0) {
                if (err.code == LnwNative.ENOENT) {
                    throw new NotSupportedException("set delay on index " + index
                            + ": this kernel has no netem qdisc (CONFIG_NET_SCH_NETEM is not set)",
                            err.code, "set delay", "index " + index, null);
                }
                throw Errors.of(err, "index " + index);
            }
            return null;
        });
    }

    /**
     * `tc qdisc del dev X root`: the link goes back to its default qdisc.
     *
     * @param index the link's ifindex
     * @throws org.libnetwork4j.NotFoundException if it had no root qdisc of its own
     */
    public void deleteRootQdisc(int index) {
        run("delete root qdisc", index, p -> LnwNative.lnw_qdisc_root_del(p, index, err));
    }

    // ---- neighbours and FDB ----

    /**
     * `ip neigh add|replace IP lladdr MAC dev X nud permanent`.
     *
     * @param n       the entry: link, IP and MAC
     * @param replace true to replace an entry the link has for that IP, false to refuse it
     * @throws org.libnetwork4j.AlreadyExistsException if replace is false and the link has an
     *         entry for that IP
     */
    public void addNeighbour(Neighbour n, boolean replace) {
        var nn = n.toNative();
        runOn("add neighbour", n.toString(),
                p -> LnwNative.lnw_neigh_add(p, nn, replace ? 1 : 0, err));
    }

    /**
     * `ip neigh del IP dev X`.
     *
     * @param n the entry; its link and IP select it, its MAC is not compared
     * @throws NotFoundException if the link has no entry for that IP
     */
    public void delNeighbour(Neighbour n) {
        var nn = n.toNative();
        runOn("delete neighbour", n.toString(), p -> LnwNative.lnw_neigh_del(p, nn, err));
    }

    /**
     * The permanent neighbour entries of a link: `ip neigh show dev X nud permanent`, IPv4
     * and IPv6, read in this handle's namespace.
     *
     * @param ifindex the link's ifindex
     * @return its permanent entries; empty also when no link has that index
     * @throws org.libnetwork4j.InvalidParameterException if ifindex is not positive
     */
    public List<Neighbour> permanentNeighbours(int ifindex) {
        List<Neighbour> out = new ArrayList<>();
        for (LnwNeigh n : dumpNeighbours("list neighbours", LnwNative.AF_UNSPEC, ifindex)) {
            if ((n.state & LnwNative.NUD_PERMANENT) != 0 && (n.dst_len == 4 || n.dst_len == 16)
                    && n.lladdr_len == 6) {
                out.add(new Neighbour(n.ifindex, IpAddresses.of(Arrays.copyOf(n.dst, n.dst_len)), MacAddress.of(Arrays.copyOf(n.lladdr, 6))));
            }
        }
        return out;
    }

    /**
     * The static forwarding entries a bridge or VXLAN device holds itself: `bridge fdb show
     * dev X self` entries that are permanent or static (not learned), and not those its master
     * bridge reports for it. On a VXLAN device each remote of a MAC is an entry of its own (the
     * all-zero MAC's flooding list gives one per remote).
     *
     * @param ifindex the device's ifindex
     * @return its static entries, with their remotes; empty also when no link has that index
     * @throws org.libnetwork4j.InvalidParameterException if ifindex is not positive
     */
    public List<FdbEntry> staticFdb(int ifindex) {
        List<FdbEntry> out = new ArrayList<>();
        for (LnwNeigh n : dumpNeighbours("list fdb entries", LnwNative.AF_BRIDGE, ifindex)) {
            if ((n.state & (LnwNative.NUD_PERMANENT | LnwNative.NUD_NOARP)) != 0 && n.lladdr_len == 6) {
                out.add(new FdbEntry(n.ifindex, MacAddress.of(Arrays.copyOf(n.lladdr, 6)),
                        n.dst_len == 4 || n.dst_len == 16 ? IpAddresses.of(Arrays.copyOf(n.dst, n.dst_len)) : null));
            }
        }
        return out;
    }

    private List<LnwNeigh> dumpNeighbours(String op, int family, int ifindex) {
        if (ifindex <= 0) {
            throw new InvalidParameterException(op + ": interface index " + ifindex + " is not positive");
        }
        return handle.exclusive(op, p -> {
            long list = LnwNative.lnw_neigh_list(p, family, ifindex, err);
            if (list == 0) {
                throw Errors.of(err, "index " + ifindex + " in " + namespace);
            }
            try {
                int n = LnwNative.lnw_list_count(list);
                List<LnwNeigh> out = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    LnwNeigh e = new LnwNeigh();
                    if (LnwNative.lnw_neigh_list_get(list, i, e) == 0) {
                        out.add(e);
                    }
                }
                return out;
            } finally {
                LnwNative.lnw_list_free(list);
            }
        });
    }

    /**
     * `bridge fdb add|append MAC dev X [dst IP] self permanent`.
     *
     * @param f      the entry: device, MAC and, on a VXLAN device, remote
     * @param append true to add one more remote for the MAC (a VXLAN flooding list), false to
     *               refuse a MAC that has an entry
     * @throws org.libnetwork4j.AlreadyExistsException if append is false and the MAC has an
     *         entry on the device
     */
    public void addFdb(FdbEntry f, boolean append) {
        var nn = f.toNative();
        runOn("add fdb entry", f.toString(), p -> LnwNative.lnw_fdb_add(p, nn, append ? 1 : 0, err));
    }

    /**
     * `bridge fdb del MAC dev X [dst IP] self`.
     *
     * @param f the entry, as added
     */
    public void delFdb(FdbEntry f) {
        var nn = f.toNative();
        runOn("delete fdb entry", f.toString(), p -> LnwNative.lnw_fdb_del(p, nn, err));
    }

    // ---- testing ----

    /**
     * Fault injection, for tests of rollback paths: the nth request from now on this handle
     * (1 = the next) fails with errno without reaching the kernel. 0 disarms it.
     *
     * @param nth   which request fails: 1 the next, 0 none
     * @param errno the positive errno it fails with, which types the exception as for a real
     *              failure
     * @throws org.libnetwork4j.InvalidParameterException if nth is negative, or errno is not
     *         positive while nth is
     */
    public void injectFailure(int nth, int errno) {
        runOn("inject failure", "request " + nth, p -> LnwNative.lnw_nl_fail_request(p, nth, errno, err));
    }

    // ----

    private void check(int rc, String object) {
        if (rc < 0) {
            throw Errors.of(err, object);
        }
    }

    private void run(String op, int index, LongToIntFunction call) {
        runOn(op, "index " + index, call);
    }

    private void runOn(String op, String object, LongToIntFunction call) {
        handle.exclusive(op, p -> {
            check(call.applyAsInt(p), object);
            return null;
        });
    }

    /**
     * Whether {@link #close} has been called.
     *
     * @return true once closed; a request through the handle then throws
     *         {@link org.libnetwork4j.InvalidParameterException} (EBADF)
     */
    public boolean isClosed() {
        return handle.isClosed();
    }

    /** Closes the socket. Idempotent; waits for a call in progress. */
    @Override
    public void close() {
        handle.close(LnwNative::lnw_nl_close);
    }

    @Override
    public String toString() {
        return handle.what();
    }
}
