package org.libnetwork4j.internal.jni;

import static org.fusesource.hawtjni.runtime.ArgFlag.NO_IN;
import static org.fusesource.hawtjni.runtime.ArgFlag.NO_OUT;
import static org.fusesource.hawtjni.runtime.FieldFlag.CONSTANT;
import static org.fusesource.hawtjni.runtime.MethodFlag.CONSTANT_INITIALIZER;

import org.fusesource.hawtjni.runtime.JniArg;
import org.fusesource.hawtjni.runtime.JniClass;
import org.fusesource.hawtjni.runtime.JniField;
import org.fusesource.hawtjni.runtime.JniMethod;
import org.fusesource.hawtjni.runtime.Library;

/**
 * The native core, one to one with native/include/lnw.h (read the contracts there). No logic
 * and no defaults here: {@code org.libnetwork4j.kernel} loads the library, calls
 * {@link #init()}, and turns {@link LnwErr} into exceptions. Nothing else calls this class.
 *
 * <p>Structs passed {@code NO_IN} are only written by C, {@code NO_OUT} only read. Byte arrays
 * are copied rather than pinned ({@code CRITICAL}): calls block in the kernel for up to a few
 * milliseconds, and a pinned array would hold the garbage collector for as long.
 */
@JniClass
public final class LnwNative {
    private LnwNative() {
    }

    /** liblnw4j.so, found under META-INF/native/linux64/&lt;arch&gt;/ in the jar. */
    public static final Library LIBRARY = new Library("lnw4j", LnwNative.class);

    /** Reads the constants below from the C headers. */
    @JniMethod(flags = {CONSTANT_INITIALIZER})
    public static final native void init();

    // ---- constants from the system headers (values differ between architectures) ----
    @JniField(flags = {CONSTANT}) public static int EPERM;
    @JniField(flags = {CONSTANT}) public static int ENOENT;
    @JniField(flags = {CONSTANT}) public static int ESRCH;
    @JniField(flags = {CONSTANT}) public static int EINTR;
    @JniField(flags = {CONSTANT}) public static int EIO;
    @JniField(flags = {CONSTANT}) public static int ENXIO;
    @JniField(flags = {CONSTANT}) public static int E2BIG;
    @JniField(flags = {CONSTANT}) public static int EBADF;
    @JniField(flags = {CONSTANT}) public static int EAGAIN;
    @JniField(flags = {CONSTANT}) public static int ENOMEM;
    @JniField(flags = {CONSTANT}) public static int EACCES;
    @JniField(flags = {CONSTANT}) public static int EBUSY;
    @JniField(flags = {CONSTANT}) public static int EEXIST;
    @JniField(flags = {CONSTANT}) public static int ENODEV;
    @JniField(flags = {CONSTANT}) public static int ENOTDIR;
    @JniField(flags = {CONSTANT}) public static int EINVAL;
    @JniField(flags = {CONSTANT}) public static int ENFILE;
    @JniField(flags = {CONSTANT}) public static int EMFILE;
    @JniField(flags = {CONSTANT}) public static int ENOSPC;
    @JniField(flags = {CONSTANT}) public static int ERANGE;
    @JniField(flags = {CONSTANT}) public static int ENAMETOOLONG;
    @JniField(flags = {CONSTANT}) public static int ENOSYS;
    @JniField(flags = {CONSTANT}) public static int ENOTEMPTY;
    @JniField(flags = {CONSTANT}) public static int ELOOP;
    @JniField(flags = {CONSTANT}) public static int EMSGSIZE;
    @JniField(flags = {CONSTANT}) public static int EPROTO;
    @JniField(flags = {CONSTANT}) public static int EPROTONOSUPPORT;
    @JniField(flags = {CONSTANT}) public static int EOPNOTSUPP;
    @JniField(flags = {CONSTANT}) public static int EAFNOSUPPORT;
    @JniField(flags = {CONSTANT}) public static int EADDRINUSE;
    @JniField(flags = {CONSTANT}) public static int EADDRNOTAVAIL;
    @JniField(flags = {CONSTANT}) public static int ENETDOWN;
    @JniField(flags = {CONSTANT}) public static int ENETUNREACH;
    @JniField(flags = {CONSTANT}) public static int ENOBUFS;
    @JniField(flags = {CONSTANT}) public static int ENOTCONN;
    @JniField(flags = {CONSTANT}) public static int ETIMEDOUT;
    @JniField(flags = {CONSTANT}) public static int ECONNREFUSED;
    @JniField(flags = {CONSTANT}) public static int EHOSTUNREACH;

    @JniField(flags = {CONSTANT}) public static int AF_UNSPEC;
    @JniField(flags = {CONSTANT}) public static int AF_INET;
    @JniField(flags = {CONSTANT}) public static int AF_INET6;
    @JniField(flags = {CONSTANT}) public static int AF_BRIDGE;
    @JniField(flags = {CONSTANT}) public static int IFF_UP;
    @JniField(flags = {CONSTANT}) public static int IFF_LOWER_UP;
    @JniField(flags = {CONSTANT}) public static int IFA_F_NODAD;
    @JniField(flags = {CONSTANT}) public static int RTNH_F_ONLINK;
    @JniField(flags = {CONSTANT}) public static int RT_TABLE_MAIN;
    @JniField(flags = {CONSTANT}) public static int RT_SCOPE_UNIVERSE;
    @JniField(flags = {CONSTANT}) public static int RT_SCOPE_LINK;
    @JniField(flags = {CONSTANT}) public static int RT_SCOPE_HOST;
    @JniField(flags = {CONSTANT}) public static int RTN_UNICAST;
    @JniField(flags = {CONSTANT}) public static int NUD_PERMANENT;
    @JniField(flags = {CONSTANT}) public static int NUD_NOARP;
    @JniField(flags = {CONSTANT}) public static int NTF_SELF;
    @JniField(flags = {CONSTANT}) public static int MACVLAN_MODE_PRIVATE;
    @JniField(flags = {CONSTANT}) public static int MACVLAN_MODE_VEPA;
    @JniField(flags = {CONSTANT}) public static int MACVLAN_MODE_BRIDGE;
    @JniField(flags = {CONSTANT}) public static int MACVLAN_MODE_PASSTHRU;
    @JniField(flags = {CONSTANT}) public static int IF_OPER_UP;
    @JniField(flags = {CONSTANT}) public static int IN6_ADDR_GEN_MODE_EUI64;
    @JniField(flags = {CONSTANT}) public static int IN6_ADDR_GEN_MODE_NONE;
    @JniField(flags = {CONSTANT}) public static int LNW_IFNAMSIZ;
    @JniField(flags = {CONSTANT}) public static int LNW_IFALIASZ;
    @JniField(flags = {CONSTANT}) public static int IPPROTO_TCP;
    @JniField(flags = {CONSTANT}) public static int IPPROTO_UDP;
    @JniField(flags = {CONSTANT}) public static int IPPROTO_SCTP;
    @JniField(flags = {CONSTANT}) public static int SOCK_DGRAM;
    @JniField(flags = {CONSTANT}) public static int SOCK_STREAM;

    // ---- network namespaces ----
    public static final native int lnw_netns_create(
            @JniArg(cast = "const char *") String sysctls,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_netns_create_at(
            @JniArg(cast = "const char *") String dir,
            @JniArg(cast = "const char *") String name,
            @JniArg(cast = "const char *") String sysctls,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_netns_open(
            @JniArg(cast = "const char *") String path,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_netns_delete(
            @JniArg(cast = "const char *") String path,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_netns_ident(
            int nsfd,
            @JniArg(cast = "uint64_t *", flags = {NO_IN}) long[] out,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_fd_close(int fd, @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_file_rewrite(
            @JniArg(cast = "const char *") String path,
            @JniArg(cast = "const unsigned char *", flags = {NO_OUT}) byte[] data, int len,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_netns_enter_thread(int nsfd, @JniArg(flags = {NO_IN}) LnwErr err);

    // ---- rtnetlink handle ----
    @JniMethod(cast = "struct lnw_nl *")
    public static final native long lnw_nl_open_at(int nsfd, @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native void lnw_nl_close(@JniArg(cast = "struct lnw_nl *") long nl);

    public static final native int lnw_nl_fail_request(
            @JniArg(cast = "struct lnw_nl *") long nl, int nth, int errnum,
            @JniArg(flags = {NO_IN}) LnwErr err);

    // ---- dump results ----
    public static final native int lnw_list_count(@JniArg(cast = "const struct lnw_list *") long list);

    public static final native void lnw_list_free(@JniArg(cast = "struct lnw_list *") long list);

    // ---- links ----
    public static final native int lnw_link_get_by_name(
            @JniArg(cast = "struct lnw_nl *") long nl,
            @JniArg(cast = "const char *") String name,
            @JniArg(flags = {NO_IN}) LnwLink out,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_link_get_by_index(
            @JniArg(cast = "struct lnw_nl *") long nl, int index,
            @JniArg(flags = {NO_IN}) LnwLink out,
            @JniArg(flags = {NO_IN}) LnwErr err);

    @JniMethod(cast = "struct lnw_list *")
    public static final native long lnw_link_list(
            @JniArg(cast = "struct lnw_nl *") long nl,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_link_get_alias(
            @JniArg(cast = "struct lnw_nl *") long nl, int index,
            @JniArg(cast = "char *", flags = {NO_IN}) byte[] buf, int cap,
            @JniArg(flags = {NO_IN}) LnwErr err);

    @JniMethod(cast = "struct lnw_list *")
    public static final native long lnw_link_list_bridge_ports(
            @JniArg(cast = "struct lnw_nl *") long nl,
            @JniArg(flags = {NO_IN}) LnwErr err);

    @JniMethod(cast = "struct lnw_list *")
    public static final native long lnw_link_list_ports(
            @JniArg(cast = "struct lnw_nl *") long nl, int master,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_link_list_get(
            @JniArg(cast = "const struct lnw_list *") long list, int i,
            @JniArg(flags = {NO_IN}) LnwLink out);

    public static final native int lnw_link_list_get_alias(
            @JniArg(cast = "const struct lnw_list *") long list, int i,
            @JniArg(cast = "char *", flags = {NO_IN}) byte[] buf, int cap);

    public static final native int lnw_link_veth_create(
            @JniArg(cast = "struct lnw_nl *") long nl,
            @JniArg(cast = "const char *") String name,
            @JniArg(cast = "struct lnw_nl *") long peerNl,
            @JniArg(cast = "const char *") String peerName,
            int master, int mtu, int up,
            @JniArg(cast = "const unsigned char *", flags = {NO_OUT}) byte[] peerMac,
            int peerMacLen,
            @JniArg(flags = {NO_IN}) LnwLink out,
            @JniArg(flags = {NO_IN}) LnwLink peerOut,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_link_bridge_create(
            @JniArg(cast = "struct lnw_nl *") long nl,
            @JniArg(cast = "const char *") String name,
            int mtu, int up, int mcastSnooping,
            @JniArg(cast = "const unsigned char *", flags = {NO_OUT}) byte[] mac,
            int macLen,
            @JniArg(flags = {NO_IN}) LnwLink out,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_link_macvlan_create(
            @JniArg(cast = "struct lnw_nl *") long nl,
            @JniArg(cast = "const char *") String name,
            int parent, int mode,
            @JniArg(cast = "const unsigned char *", flags = {NO_OUT}) byte[] mac,
            int macLen,
            @JniArg(cast = "struct lnw_nl *") long targetNl,
            @JniArg(flags = {NO_IN}) LnwLink out,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_link_ipvlan_create(
            @JniArg(cast = "struct lnw_nl *") long nl,
            @JniArg(cast = "const char *") String name,
            int parent, int mode,
            @JniArg(cast = "struct lnw_nl *") long targetNl,
            @JniArg(flags = {NO_IN}) LnwLink out,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_link_vlan_create(
            @JniArg(cast = "struct lnw_nl *") long nl,
            @JniArg(cast = "const char *") String name,
            int parent, int vlanId,
            @JniArg(flags = {NO_IN}) LnwLink out,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_link_vxlan_create(
            @JniArg(cast = "struct lnw_nl *") long nl,
            @JniArg(cast = "const char *") String name,
            int vni,
            @JniArg(cast = "const unsigned char *", flags = {NO_OUT}) byte[] local,
            int localLen, int parent, int port, int learning, int proxy, int mtu,
            @JniArg(flags = {NO_IN}) LnwLink out,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_link_set_up(
            @JniArg(cast = "struct lnw_nl *") long nl, int index, @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_link_set_down(
            @JniArg(cast = "struct lnw_nl *") long nl, int index, @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_link_set_mtu(
            @JniArg(cast = "struct lnw_nl *") long nl, int index, int mtu,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_link_set_mac(
            @JniArg(cast = "struct lnw_nl *") long nl, int index,
            @JniArg(cast = "const unsigned char *", flags = {NO_OUT}) byte[] mac, int macLen,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_link_set_master(
            @JniArg(cast = "struct lnw_nl *") long nl, int index, int master,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_link_set_name(
            @JniArg(cast = "struct lnw_nl *") long nl, int index,
            @JniArg(cast = "const char *") String name,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_link_set_netns(
            @JniArg(cast = "struct lnw_nl *") long nl, int index, int nsfd,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_link_set_group(
            @JniArg(cast = "struct lnw_nl *") long nl, int index, int group,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_link_move(
            @JniArg(cast = "struct lnw_nl *") long nl, int index, int nsfd,
            @JniArg(cast = "const char *") String name,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_link_configure(
            @JniArg(cast = "struct lnw_nl *") long nl, int index, int up,
            @JniArg(cast = "const char *") String alias, int addrGenMode, int group,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_link_set_addr_gen_mode(
            @JniArg(cast = "struct lnw_nl *") long nl, int index, int mode,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_link_set_hairpin(
            @JniArg(cast = "struct lnw_nl *") long nl, int index, int on,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_link_set_isolated(
            @JniArg(cast = "struct lnw_nl *") long nl, int index, int on,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_link_settle(
            @JniArg(cast = "struct lnw_nl *") long nl,
            @JniArg(cast = "const char *") String name,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_link_delete(
            @JniArg(cast = "struct lnw_nl *") long nl, int index, @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_link_delete_group(
            @JniArg(cast = "struct lnw_nl *") long nl, int group, @JniArg(flags = {NO_IN}) LnwErr err);

    // ---- addresses ----
    public static final native int lnw_addr_add(
            @JniArg(cast = "struct lnw_nl *") long nl,
            @JniArg(cast = "const struct lnw_addr *", flags = {NO_OUT}) LnwAddr a,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_addr_del(
            @JniArg(cast = "struct lnw_nl *") long nl,
            @JniArg(cast = "const struct lnw_addr *", flags = {NO_OUT}) LnwAddr a,
            @JniArg(flags = {NO_IN}) LnwErr err);

    @JniMethod(cast = "struct lnw_list *")
    public static final native long lnw_addr_list(
            @JniArg(cast = "struct lnw_nl *") long nl, int ifindex, int family,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_addr_list_get(
            @JniArg(cast = "const struct lnw_list *") long list, int i,
            @JniArg(flags = {NO_IN}) LnwAddr out);

    // ---- routes ----
    public static final native int lnw_route_add(
            @JniArg(cast = "struct lnw_nl *") long nl,
            @JniArg(cast = "const struct lnw_route *", flags = {NO_OUT}) LnwRoute r,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_route_del(
            @JniArg(cast = "struct lnw_nl *") long nl,
            @JniArg(cast = "const struct lnw_route *", flags = {NO_OUT}) LnwRoute r,
            @JniArg(flags = {NO_IN}) LnwErr err);

    @JniMethod(cast = "struct lnw_list *")
    public static final native long lnw_route_list(
            @JniArg(cast = "struct lnw_nl *") long nl, int family,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_route_list_get(
            @JniArg(cast = "const struct lnw_list *") long list, int i,
            @JniArg(flags = {NO_IN}) LnwRoute out);

    // ---- the binding itself ----
    /** Fills HawtJNI's field caches of every struct on one thread (why: native/jni/lnw4j.h). */
    public static final native int lnw4j_cache_structs(
            @JniArg(cast = "const struct lnw_addr *", flags = {NO_OUT}) LnwAddr a,
            @JniArg(cast = "const struct lnw_route *", flags = {NO_OUT}) LnwRoute r,
            @JniArg(cast = "const struct lnw_link *", flags = {NO_OUT}) LnwLink l,
            @JniArg(cast = "const struct lnw_neigh *", flags = {NO_OUT}) LnwNeigh n,
            @JniArg(cast = "const struct lnw_err *", flags = {NO_OUT}) LnwErr e);

    // ---- batches ----
    @JniMethod(cast = "struct lnw_batch *")
    public static final native long lnw_batch_new();

    public static final native void lnw_batch_free(@JniArg(cast = "struct lnw_batch *") long batch);

    public static final native int lnw_batch_addr_add(
            @JniArg(cast = "struct lnw_batch *") long batch,
            @JniArg(cast = "const struct lnw_addr *", flags = {NO_OUT}) LnwAddr a);

    public static final native int lnw_batch_link_up(@JniArg(cast = "struct lnw_batch *") long batch, int index);

    public static final native int lnw_batch_link_addr_gen_mode(@JniArg(cast = "struct lnw_batch *") long batch,
            int index, int mode);

    public static final native int lnw_batch_route_add(
            @JniArg(cast = "struct lnw_batch *") long batch,
            @JniArg(cast = "const struct lnw_route *", flags = {NO_OUT}) LnwRoute r);

    public static final native int lnw_batch_run(
            @JniArg(cast = "struct lnw_nl *") long nl,
            @JniArg(cast = "const struct lnw_batch *") long batch,
            @JniArg(cast = "int *", flags = {NO_IN}) int[] failed,
            @JniArg(flags = {NO_IN}) LnwErr err);

    // ---- root qdiscs ----
    public static final native int lnw_qdisc_tbf_set(
            @JniArg(cast = "struct lnw_nl *") long nl, int index, @JniArg(cast = "long long") long rate,
            int burst, int limit, @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_qdisc_netem_set(
            @JniArg(cast = "struct lnw_nl *") long nl, int index, int delayUs, int jitterUs,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_qdisc_root_del(
            @JniArg(cast = "struct lnw_nl *") long nl, int index, @JniArg(flags = {NO_IN}) LnwErr err);

    // ---- neighbours and FDB ----
    public static final native int lnw_neigh_add(
            @JniArg(cast = "struct lnw_nl *") long nl,
            @JniArg(cast = "const struct lnw_neigh *", flags = {NO_OUT}) LnwNeigh n,
            int replace, @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_neigh_del(
            @JniArg(cast = "struct lnw_nl *") long nl,
            @JniArg(cast = "const struct lnw_neigh *", flags = {NO_OUT}) LnwNeigh n,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_fdb_add(
            @JniArg(cast = "struct lnw_nl *") long nl,
            @JniArg(cast = "const struct lnw_neigh *", flags = {NO_OUT}) LnwNeigh n,
            int append, @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_fdb_del(
            @JniArg(cast = "struct lnw_nl *") long nl,
            @JniArg(cast = "const struct lnw_neigh *", flags = {NO_OUT}) LnwNeigh n,
            @JniArg(flags = {NO_IN}) LnwErr err);

    @JniMethod(cast = "struct lnw_list *")
    public static final native long lnw_neigh_list(
            @JniArg(cast = "struct lnw_nl *") long nl, int family, int ifindex,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_neigh_list_get(
            @JniArg(cast = "const struct lnw_list *") long list, int i,
            @JniArg(flags = {NO_IN}) LnwNeigh out);

    // ---- announcing neighbours: gratuitous ARP, unsolicited NA ----
    public static final native int lnw_arp_announce(
            int nsfd, int ifindex,
            @JniArg(cast = "const unsigned char *", flags = {NO_OUT}) byte[] entries,
            int count, @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_ndisc_announce(
            int nsfd,
            @JniArg(cast = "const int *", flags = {NO_OUT}) int[] ifindexes, int nifs,
            @JniArg(cast = "const unsigned char *", flags = {NO_OUT}) byte[] entries,
            int count, @JniArg(flags = {NO_IN}) LnwErr err);

    // ---- sysctls ----
    public static final native int lnw_sysctl_write(
            int nsfd,
            @JniArg(cast = "const char *") String key,
            @JniArg(cast = "const char *") String value,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_sysctl_write_all(
            int nsfd,
            @JniArg(cast = "const char *") String sysctls,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_sysctl_read(
            int nsfd,
            @JniArg(cast = "const char *") String key,
            @JniArg(cast = "char *", flags = {NO_IN}) byte[] buf, int cap,
            @JniArg(flags = {NO_IN}) LnwErr err);

    // ---- host port reservations ----
    public static final native int lnw_port_reserve(
            int nsfd, int family, int proto,
            @JniArg(cast = "const unsigned char *", flags = {NO_OUT}) byte[] addr, int addrLen,
            int port,
            @JniArg(cast = "int *", flags = {NO_IN}) int[] outPort,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_port_socket(
            int nsfd, int family, int proto,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_port_bind(
            int fd, int family,
            @JniArg(cast = "const unsigned char *", flags = {NO_OUT}) byte[] addr, int addrLen,
            int port,
            @JniArg(cast = "int *", flags = {NO_IN}) int[] outPort,
            @JniArg(flags = {NO_IN}) LnwErr err);

    // ---- sockets for the controller's own services ----
    public static final native int lnw_sock_open(
            int nsfd, int family, int type,
            @JniArg(cast = "const unsigned char *", flags = {NO_OUT}) byte[] addr, int addrLen,
            int port, int backlog,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_sock_open_service(
            int nsfd, int family,
            @JniArg(cast = "const unsigned char *", flags = {NO_OUT}) byte[] addr, int addrLen,
            int port, int backlog,
            @JniArg(cast = "int *", flags = {NO_IN}) int[] fds,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_sock_open_many(
            int nsfd, int family, int type, int n,
            @JniArg(cast = "int *", flags = {NO_IN}) int[] fds,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_sock_connect(
            int fd, int family,
            @JniArg(cast = "const unsigned char *", flags = {NO_OUT}) byte[] addr, int addrLen,
            int port, int timeoutMs,
            @JniArg(flags = {NO_IN}) LnwErr err);

    // ---- connectivity probes ----
    public static final native long lnw_probe_ping(
            int nsfd,
            @JniArg(cast = "const unsigned char *", flags = {NO_OUT}) byte[] addr, int addrLen,
            int seq, int timeoutMs,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_probe_listen(int nsfd, int port, @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_probe_serve(
            int fd, @JniArg(cast = "const char *") String reply, int timeoutMs,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_probe_fetch(
            int nsfd,
            @JniArg(cast = "const unsigned char *", flags = {NO_OUT}) byte[] addr, int addrLen, int port,
            @JniArg(cast = "char *", flags = {NO_IN}) byte[] out, int cap, int timeoutMs,
            @JniArg(flags = {NO_IN}) LnwErr err);

    // ---- conntrack ----
    @JniMethod(cast = "struct lnw_ct *")
    public static final native long lnw_ct_open(int nsfd, @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native void lnw_ct_close(@JniArg(cast = "struct lnw_ct *") long ct);

    public static final native int lnw_ct_flush_addr(
            @JniArg(cast = "struct lnw_ct *") long ct,
            @JniArg(cast = "const unsigned char *", flags = {NO_OUT}) byte[] addr, int addrLen,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_ct_flush_port(
            @JniArg(cast = "struct lnw_ct *") long ct, int proto, int port,
            @JniArg(flags = {NO_IN}) LnwErr err);

    // ---- nftables ----
    public static final native int lnw_nft_generation(
            @JniArg(cast = "struct lnw_nft *") long nft,
            @JniArg(cast = "uint64_t *", flags = {NO_IN}) long[] out,
            @JniArg(flags = {NO_IN}) LnwErr err);

    @JniMethod(cast = "struct lnw_nft *")
    public static final native long lnw_nft_open(int nsfd, @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native void lnw_nft_close(@JniArg(cast = "struct lnw_nft *") long nft);

    public static final native int lnw_nft_apply(
            @JniArg(cast = "struct lnw_nft *") long nft,
            @JniArg(cast = "const char *") String ruleset,
            @JniArg(flags = {NO_IN}) LnwErr err);

    public static final native int lnw_nft_list_json(
            @JniArg(cast = "struct lnw_nft *") long nft,
            @JniArg(cast = "const char *") String command,
            @JniArg(cast = "char *", flags = {NO_IN}) byte[] out, int cap,
            @JniArg(flags = {NO_IN}) LnwErr err);
}
