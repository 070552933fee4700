/*
 * lnw.h - the libnetwork4j native core: network namespaces, rtnetlink through libnl,
 * namespaced sysctls and nftables through libnftables.
 *
 * Conventions (every function below follows them):
 *  - A fallible function returns 0 (or a non-negative value: an fd, an index, a length)
 *    on success and -errno on failure, and fills the caller-owned struct lnw_err.
 *    Functions returning a pointer return NULL on failure, with err filled.
 *  - Handles: each _open/_create has exactly one _close/_free. A function that takes a
 *    handle or an fd only borrows it; whoever opened it closes it.
 *  - Every fd the core opens is O_CLOEXEC.
 *  - No caller thread ever changes network namespace. Work that has to happen inside a
 *    namespace (creating it, opening a socket in it, writing one of its sysctls, running
 *    libnftables) runs on a short-lived private pthread that enters, works and dies.
 *  - A struct lnw_nl is bound to the namespace it was opened in, for its whole life. Any
 *    thread may use it afterwards, but one at a time.
 *  - The `ip`/`nft` command each function corresponds to is given next to it.
 */
#ifndef LNW_H
#define LNW_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LNW_IFNAMSIZ 16   /* IFNAMSIZ: 15 characters and the NUL */
#define LNW_MAX_ADDR 32   /* MAX_ADDR_LEN: link-layer address bytes */
#define LNW_IFALIASZ 256  /* IFALIASZ: an interface alias and its NUL */

/* What went wrong, filled by every fallible function. */
struct lnw_err {
	int code;        /* errno of the failure (positive), 0 on success */
	int nl_code;     /* libnl's NLE_* code of the failure (for a kernel refusal: libnl's folding
	                  * of code, e.g. NLE_EXIST for EEXIST and EADDRINUSE), 0 if none */
	char op[32];     /* the operation, e.g. "create veth" */
	char msg[256];   /* the object, the errno text and name, and the kernel's extended ack */
};

/* ---- network namespaces (netns.c) ---------------------------------------------------- */

/* A new, anonymous network namespace. Returns an fd for it; the namespace lives as long as
 * some fd, mount or process holds it. (`unshare --net`)
 * sysctls: NULL, or "key=value" lines (keys as for lnw_sysctl_write) written inside the new
 * namespace by the thread that creates it, before anybody else can see it: settings for every
 * interface created in it later (net/ipv6/conf/default/...) cost nothing extra this way. */
int lnw_netns_create(const char *sysctls, struct lnw_err *err);

/* A new network namespace bind-mounted at dir/name; dir is created if missing. Returns an
 * fd for it. Fails with EEXIST if dir/name exists. sysctls as for lnw_netns_create.
 * (`ip netns add`, with its own run dir) */
int lnw_netns_create_at(const char *dir, const char *name, const char *sysctls,
                        struct lnw_err *err);

/* Opens the network namespace at path (a bind mount, /proc/PID/ns/net, ...). Fails with
 * EINVAL if path is not a network namespace. */
int lnw_netns_open(const char *path, struct lnw_err *err);

/* Unmounts and unlinks a namespace made by lnw_netns_create_at. Returns -ENOENT if nothing
 * is at path (callers treat that as already deleted). (`ip netns delete`) */
int lnw_netns_delete(const char *path, struct lnw_err *err);

/* The namespace's identity: out[0] = device, out[1] = inode (`stat -L`). */
int lnw_netns_ident(int nsfd, uint64_t *out, struct lnw_err *err);

/* Closes an fd returned by this library. */
int lnw_fd_close(int fd, struct lnw_err *err);

/* Writes len bytes of data over the file at path from its start (making it, mode 0666 less
 * the umask, if missing), and cuts off what is left of its old content beyond them: the same
 * inode, for a file a runtime bind-mounts (a sandbox's hosts and resolv.conf). Not atomic: a
 * reader may see the old content's tail for a moment. */
int lnw_file_rewrite(const char *path, const unsigned char *data, int len, struct lnw_err *err);

/* Moves the CALLING thread into the network namespace nsfd refers to, for good (`setns`).
 * For one use only: the dedicated thread of a lab sandbox (Java's lab package), which enters
 * once, serves that sandbox alone and dies with it. Every other caller must use lnw_ns_run's
 * private threads instead: a thread that enters a namespace and goes back to a pool opens
 * every later socket there. Threads the caller starts afterwards inherit the namespace. */
int lnw_netns_enter_thread(int nsfd, struct lnw_err *err);

/* ---- rtnetlink handle (nl.c) --------------------------------------------------------- */

struct lnw_nl;

/* An rtnetlink handle bound to the namespace nsfd refers to (nsfd is borrowed; the handle
 * keeps its own duplicate so that links can be created straight into that namespace). */
struct lnw_nl *lnw_nl_open_at(int nsfd, struct lnw_err *err);
void lnw_nl_close(struct lnw_nl *nl);

/* Fault injection for tests of rollback paths: the nth request from now on this handle
 * (1 = the next one) fails with errnum without being sent. nth 0 disarms it. */
int lnw_nl_fail_request(struct lnw_nl *nl, int nth, int errnum, struct lnw_err *err);

/* ---- lists returned by dumps (list.c) ------------------------------------------------ */

struct lnw_list;
int lnw_list_count(const struct lnw_list *list);
void lnw_list_free(struct lnw_list *list);

/* ---- links (link.c, link_veth.c, link_bridge.c, link_macvlan.c, link_vxlan.c) -------- */

struct lnw_link {
	int index;
	int flags;           /* IFF_* */
	int mtu;
	int master;          /* ifindex of the master (bridge), 0 if none */
	int group;
	int link;            /* IFLA_LINK: the veth peer's or lower device's ifindex, 0 if none */
	int link_netnsid;    /* namespace id of `link` as seen from here, -1 if the same namespace */
	int operstate;       /* IF_OPER_* */
	int mac_len;
	unsigned char mac[LNW_MAX_ADDR];
	char name[LNW_IFNAMSIZ];
	char kind[LNW_IFNAMSIZ]; /* "veth", "bridge", ... ; "" for a device without kind */
};

/* `ip link show dev NAME` / by index */
int lnw_link_get_by_name(struct lnw_nl *nl, const char *name, struct lnw_link *out,
                         struct lnw_err *err);
int lnw_link_get_by_index(struct lnw_nl *nl, int index, struct lnw_link *out,
                          struct lnw_err *err);
/* `ip link show`: every link in the handle's namespace */
struct lnw_list *lnw_link_list(struct lnw_nl *nl, struct lnw_err *err);
/* The alias of one link (`ip link show` "alias"), into buf: its length, 0 for none, or -errno. */
int lnw_link_get_alias(struct lnw_nl *nl, int index, char *buf, int cap, struct lnw_err *err);
/* The links whose master is the given bridge (its ports), filtered by the kernel. */
struct lnw_list *lnw_link_list_ports(struct lnw_nl *nl, int master, struct lnw_err *err);
/* Every bridge port, as the bridges report them (AF_BRIDGE): no alias, no peer namespace id,
 * and none of the cost of filling those (see link.c). */
struct lnw_list *lnw_link_list_bridge_ports(struct lnw_nl *nl, struct lnw_err *err);
int lnw_link_list_get(const struct lnw_list *list, int i, struct lnw_link *out);

/* The alias of the i-th link of a dump (`ip link show` prints it as "alias ..."), into buf;
 * "" when it has none. Returns its length. Dumps carry it, so reading it costs no request. */
int lnw_link_list_get_alias(const struct lnw_list *list, int i, char *buf, int cap);

/* A veth pair in one request: NAME in nl's namespace, optionally enslaved to master and
 * set up; PEER_NAME created directly inside peer_nl's namespace (never moved: moving costs
 * ~18 ms of kernel time), left down (the kernel refuses to create it up). peer_nl NULL puts
 * the peer next to NAME. peer_mac may be NULL. Both ends are re-read into out/peer_out; if
 * that fails the pair is deleted again. Returns the ifindex of NAME.
 * (`ip link add NAME [mtu M] [master B] [up] type veth peer PEER_NAME netns NS [address MAC]`) */
int lnw_link_veth_create(struct lnw_nl *nl, const char *name, struct lnw_nl *peer_nl,
                         const char *peer_name, int master, int mtu, int up,
                         const unsigned char *peer_mac, int peer_mac_len,
                         struct lnw_link *out, struct lnw_link *peer_out, struct lnw_err *err);

/* `ip link add NAME [address MAC] [mtu M] [up] type bridge [mcast_snooping 0]`; returns its
 * ifindex.
 * mcast_snooping 0 makes the bridge flood multicast to every port instead of only to ports it
 * has heard a listener report from: IPv6 neighbour discovery then works at once on a new port,
 * not after the port's first (randomly delayed) MLD report.
 * mac (mac_len bytes), if not NULL, is the bridge's address. Given, it stays the bridge's
 * address; left to the kernel, the bridge takes the lowest address among its ports whenever
 * a port comes or goes, so the gateway address its hosts have cached stops working. */
int lnw_link_bridge_create(struct lnw_nl *nl, const char *name, int mtu, int up,
                           int mcast_snooping, const unsigned char *mac, int mac_len,
                           struct lnw_link *out, struct lnw_err *err);

/* `ip link add NAME link PARENT address MAC type macvlan mode MODE [netns NS]`: created in
 * target_nl's namespace when target_nl is not NULL (the parent stays in nl's). out is read from
 * the namespace the link ends up in. MODE is MACVLAN_MODE_* (4 = bridge). mac may be NULL
 * (mac_len 0): the kernel chooses. */
int lnw_link_macvlan_create(struct lnw_nl *nl, const char *name, int parent, int mode,
                            const unsigned char *mac, int mac_len, struct lnw_nl *target_nl,
                            struct lnw_link *out, struct lnw_err *err);

/* `ip link add NAME link PARENT type ipvlan mode l2|l3|l3s [netns NS]` (mode 0, 1, 2), as
 * lnw_link_macvlan_create. A kernel without CONFIG_IPVLAN answers EOPNOTSUPP. */
int lnw_link_ipvlan_create(struct lnw_nl *nl, const char *name, int parent, int mode,
                           struct lnw_nl *target_nl, struct lnw_link *out, struct lnw_err *err);

/* `ip link add NAME link PARENT type vlan id ID` (1..4094). A kernel without
 * CONFIG_VLAN_8021Q answers EOPNOTSUPP. */
int lnw_link_vlan_create(struct lnw_nl *nl, const char *name, int parent, int vlan_id,
                         struct lnw_link *out, struct lnw_err *err);

/* `ip link add NAME type vxlan id VNI [local IP] [dev PARENT] dstport PORT [nolearning] [proxy]`.
 * local may be NULL (local_len 0); port 0 means 4789. proxy: the device answers ARP requests
 * and IPv6 neighbour solicitations itself from its own neighbour table and sends none of them
 * through the tunnel (it drops what it cannot answer). */
int lnw_link_vxlan_create(struct lnw_nl *nl, const char *name, int vni,
                          const unsigned char *local, int local_len, int parent, int port,
                          int learning, int proxy, int mtu, struct lnw_link *out,
                          struct lnw_err *err);

int lnw_link_set_up(struct lnw_nl *nl, int index, struct lnw_err *err);        /* ip link set up */
int lnw_link_set_down(struct lnw_nl *nl, int index, struct lnw_err *err);      /* ip link set down */
int lnw_link_set_mtu(struct lnw_nl *nl, int index, int mtu, struct lnw_err *err);
int lnw_link_set_mac(struct lnw_nl *nl, int index, const unsigned char *mac, int mac_len,
                     struct lnw_err *err);                                      /* address MAC */
/* master 0 detaches the link from its master (`nomaster`). */
int lnw_link_set_master(struct lnw_nl *nl, int index, int master, struct lnw_err *err);
int lnw_link_set_name(struct lnw_nl *nl, int index, const char *name, struct lnw_err *err);
/* Moves the link into the namespace nsfd refers to (`ip link set netns`). Slow (~18 ms). */
int lnw_link_set_netns(struct lnw_nl *nl, int index, int nsfd, struct lnw_err *err);
/* The same, renamed to name on arrival (NULL: keeps its name), in one request. Not atomic:
 * if name is taken in the target, the link is moved but keeps its old name there, and the
 * answer is -EEXIST. (`ip link set dev X netns NS name NAME`) */
int lnw_link_move(struct lnw_nl *nl, int index, int nsfd, const char *name, struct lnw_err *err);
int lnw_link_set_group(struct lnw_nl *nl, int index, int group, struct lnw_err *err);
/* IPv6 link-local address generation: IN6_ADDR_GEN_MODE_* (1 = none: no link-local, hence
 * no duplicate address detection, router or listener solicitations). Takes effect for the
 * next time the link gets carrier. (`ip link set X addrgenmode none|eui64`) */
int lnw_link_set_addr_gen_mode(struct lnw_nl *nl, int index, int mode, struct lnw_err *err);
/* `ip link set dev X [up|down] [alias ALIAS] [addrgenmode MODE] [group G]` in one request:
 * up 1 or 0 (-1 leaves it); alias NULL leaves it as it is; addr_gen_mode -1 leaves it, else
 * IN6_ADDR_GEN_MODE_* as for lnw_link_set_addr_gen_mode; group -1 leaves it. An alias lets a
 * kernel object name its owner (recovery reads it back from a dump); at most
 * LNW_IFALIASZ - 1 bytes. */
int lnw_link_configure(struct lnw_nl *nl, int index, int up, const char *alias, int addr_gen_mode,
                       int group, struct lnw_err *err);
/* Hairpin mode of a bridge port (`bridge link set dev X hairpin on`). */
int lnw_link_set_hairpin(struct lnw_nl *nl, int index, int on, struct lnw_err *err);
/* Isolation of a bridge port (`bridge link set dev X isolated on`): the bridge forwards no
 * frame from one isolated port to another (nor back out of the same one, hairpin or not);
 * frames between an isolated port and the bridge itself or a port that is not isolated pass.
 * Whatever netfilter does, as the check is in the bridge's forwarding. */
int lnw_link_set_isolated(struct lnw_nl *nl, int index, int on, struct lnw_err *err);
/* Makes the kernel carry out now what the last carrier change of link `name` implies, which
 * it otherwise leaves to its link-watch worker, a few milliseconds later: until then a link
 * that just got carrier drops what it sends (its queue is not attached) and a bridge port
 * stays disabled. A veth end whose peer just came up, and a bridge whose first port just did,
 * are such links. (ETHTOOL_GLINK, which runs the pending link-watch work of the link first.)
 * Returns 1 if the link has carrier, 0 if not, -EOPNOTSUPP for a link that does not report
 * one (nothing to settle), or another negative errno. */
int lnw_link_settle(struct lnw_nl *nl, const char *name, struct lnw_err *err);
/* `ip link del`: deleting one end of a veth deletes both. */
int lnw_link_delete(struct lnw_nl *nl, int index, struct lnw_err *err);
/* Deletes every link of a group in one request (`ip link delete group G`). */
int lnw_link_delete_group(struct lnw_nl *nl, int group, struct lnw_err *err);

/* ---- addresses (addr.c) -------------------------------------------------------------- */

struct lnw_addr {
	int ifindex;
	int family;          /* AF_INET or AF_INET6 */
	int prefixlen;
	int flags;           /* IFA_F_* (IFA_F_NODAD for IPv6 without duplicate detection) */
	int scope;           /* RT_SCOPE_*; on add, -1 lets the kernel choose */
	unsigned char addr[16];
	char label[LNW_IFNAMSIZ];
};

/* `ip addr add ADDR/PLEN dev IF [nodad]`; IPv4 gets its broadcast address. */
int lnw_addr_add(struct lnw_nl *nl, const struct lnw_addr *a, struct lnw_err *err);
int lnw_addr_del(struct lnw_nl *nl, const struct lnw_addr *a, struct lnw_err *err);
/* `ip addr show [dev IF]`: ifindex 0 = all links, family 0 = both families */
struct lnw_list *lnw_addr_list(struct lnw_nl *nl, int ifindex, int family, struct lnw_err *err);
int lnw_addr_list_get(const struct lnw_list *list, int i, struct lnw_addr *out);

/* ---- routes (route.c) ---------------------------------------------------------------- */

struct lnw_route {
	int family;
	int dst_len;         /* 0 with a zero dst = default route */
	int table;           /* RT_TABLE_MAIN (254) when 0 on add */
	int protocol;        /* RTPROT_*; RTPROT_BOOT when 0 on add, like `ip route add` */
	int scope;           /* RT_SCOPE_*; -1 on add: universe with a gateway, else link */
	int type;            /* RTN_*; RTN_UNICAST when 0 on add */
	int oif;             /* output ifindex, 0 if none */
	int flags;           /* RTNH_F_* (RTNH_F_ONLINK) */
	int priority;        /* metric; -1 = none */
	int has_gateway;
	unsigned char dst[16];
	unsigned char gateway[16];
};

/* `ip route add DST/LEN [via GW] [dev IF] [onlink] [metric M] [table T]` */
int lnw_route_add(struct lnw_nl *nl, const struct lnw_route *r, struct lnw_err *err);
int lnw_route_del(struct lnw_nl *nl, const struct lnw_route *r, struct lnw_err *err);
/* `ip route show table all`: family 0 = both */
struct lnw_list *lnw_route_list(struct lnw_nl *nl, int family, struct lnw_err *err);
int lnw_route_list_get(const struct lnw_list *list, int i, struct lnw_route *out);

/* ---- batches (batch.c) --------------------------------------------------------------- */

/* Address, link-up and route changes queued here and sent back to back, in the order queued,
 * from one call: a join's whole interface setup is one crossing from the JVM instead of three
 * to five. Queuing sends nothing. */
struct lnw_batch;
struct lnw_batch *lnw_batch_new(void);                                   /* NULL: ENOMEM */
void lnw_batch_free(struct lnw_batch *b);
int lnw_batch_count(const struct lnw_batch *b);
int lnw_batch_addr_add(struct lnw_batch *b, const struct lnw_addr *a);   /* 0 or -ENOMEM */
int lnw_batch_link_up(struct lnw_batch *b, int index);
int lnw_batch_route_add(struct lnw_batch *b, const struct lnw_route *r);
/* IPv6 address generation of a link (as lnw_link_set_addr_gen_mode): queued before its up,
 * mode none keeps a link from ever making a link-local address. */
int lnw_batch_link_addr_gen_mode(struct lnw_batch *b, int index, int mode);
/* Runs the steps on nl and stops at the first failure. Returns the number of steps run, or
 * -errno with err filled by the failed step and *failed set to its position (0-based);
 * the steps before it stay done. The batch can be run again or freed. */
int lnw_batch_run(struct lnw_nl *nl, const struct lnw_batch *b, int *failed, struct lnw_err *err);

/* ---- neighbours and bridge FDB (neigh.c) --------------------------------------------- */

struct lnw_neigh {
	int ifindex;
	int family;          /* AF_INET/AF_INET6 for neighbours; ignored for FDB (AF_BRIDGE) when
	                      * given, AF_BRIDGE for FDB entries a dump returns */
	int state;           /* NUD_*; NUD_PERMANENT when 0 */
	int flags;           /* NTF_*; FDB entries get NTF_SELF when 0 */
	int dst_len;         /* 0 = no IP (an FDB entry without remote) */
	int lladdr_len;
	unsigned char dst[16];
	unsigned char lladdr[LNW_MAX_ADDR];
};

/* `ip neigh add|replace IP lladdr MAC dev IF nud permanent` */
int lnw_neigh_add(struct lnw_nl *nl, const struct lnw_neigh *n, int replace, struct lnw_err *err);
int lnw_neigh_del(struct lnw_nl *nl, const struct lnw_neigh *n, struct lnw_err *err);
/* `bridge fdb add|append MAC dev IF [dst IP] self`: append adds one more remote for the
 * same MAC (VXLAN flooding lists). */
int lnw_fdb_add(struct lnw_nl *nl, const struct lnw_neigh *n, int append, struct lnw_err *err);
int lnw_fdb_del(struct lnw_nl *nl, const struct lnw_neigh *n, struct lnw_err *err);
/* `ip neigh show [dev IF]` (family AF_INET, AF_INET6, or AF_UNSPEC for both) or `bridge fdb
 * show [dev IF] self` (AF_BRIDGE: the device's own entries, not those its master bridge
 * reports under its index with NTF_MASTER), every state. ifindex 0: every link. Read through
 * nl, so in nl's namespace: a handle opened with lnw_nl_open_at on a network's namespace dumps
 * that namespace's tables from any thread, with no thread entering it. Read each entry with
 * lnw_neigh_list_get: family AF_INET/AF_INET6/AF_BRIDGE, state NUD_*, flags NTF_*, dst (on a
 * VXLAN device: the remote, one entry per remote of a MAC), lladdr. */
struct lnw_list *lnw_neigh_list(struct lnw_nl *nl, int family, int ifindex, struct lnw_err *err);
int lnw_neigh_list_get(const struct lnw_list *list, int i, struct lnw_neigh *out);

/* ---- announcing neighbours: gratuitous ARP, unsolicited NA (arp.c) ---------------------- */

/* `arping -A -c 1 -I IF -s IP` with a MAC given: for each of count entries (packed, 10 bytes
 * each: an IPv4 address, then its MAC), one gratuitous ARP reply from that MAC, broadcast on
 * link ifindex of the namespace nsfd refers to. Neighbours that have an entry for the address
 * (incomplete, failed, or with another MAC) take the MAC; the others make none (arp_accept
 * off). Returns the number sent; stops at the first failure. */
int lnw_arp_announce(int nsfd, int ifindex, const unsigned char *entries, int count,
                     struct lnw_err *err);

/* The same for IPv6: for each of count entries (packed, 22 bytes each: an IPv6 address, then
 * its MAC), one unsolicited neighbour advertisement (override set, not solicited, from that
 * address and MAC to ff02::1, hop limit 255) sent on each of the nifs links ifindexes of the
 * namespace nsfd refers to. Sent on the links themselves, not on a bridge above them: a bridge
 * would flood it to a VXLAN port too, and an advertisement that crossed the tunnel would teach
 * the address's own host's bridge that its container lives on the far side. Neighbours with
 * an entry for the address take the MAC; the others make none (accept_untracked_na off).
 * Returns the number of frames sent; stops at the first failure. */
int lnw_ndisc_announce(int nsfd, const int *ifindexes, int nifs, const unsigned char *entries, int count,
                       struct lnw_err *err);

/* ---- traffic control: root qdiscs (qdisc.c) ------------------------------------------ */

/* `tc qdisc replace dev IF root tbf rate RATE burst BURST limit LIMIT`: egress of link index
 * is limited to rate bytes/s, bursts of burst bytes, and at most limit bytes queued (the rest
 * is dropped). Replaces whatever root qdisc the link had. */
int lnw_qdisc_tbf_set(struct lnw_nl *nl, int index, long long rate, int burst, int limit,
                      struct lnw_err *err);
/* `tc qdisc replace dev IF root netem delay DELAY_US jitter JITTER_US limit 1000`. Needs a
 * kernel with CONFIG_NET_SCH_NETEM: without it the kernel answers ENOENT ("unknown qdisc"). */
int lnw_qdisc_netem_set(struct lnw_nl *nl, int index, int delay_us, int jitter_us,
                        struct lnw_err *err);
/* `tc qdisc del dev IF root`: the link goes back to its default qdisc. Returns -ENOENT when
 * it had no root qdisc of its own (callers treat that as already removed). */
int lnw_qdisc_root_del(struct lnw_nl *nl, int index, struct lnw_err *err);

/* ---- namespaced sysctls (sysctl.c) --------------------------------------------------- */

/* Writes /proc/sys/KEY inside the namespace nsfd refers to. KEY is the path below
 * /proc/sys with '/' separators (interface names may contain dots), e.g.
 * "net/ipv4/ip_forward", "net/ipv6/conf/br0/accept_ra". (`sysctl -w`) */
int lnw_sysctl_write(int nsfd, const char *key, const char *value, struct lnw_err *err);
/* Writes several, "key=value" lines, in one visit to the namespace (one private thread);
 * stops at the first failure. */
int lnw_sysctl_write_all(int nsfd, const char *sysctls, struct lnw_err *err);
/* Reads it into buf (NUL-terminated, trailing newline removed); returns the length. */
int lnw_sysctl_read(int nsfd, const char *key, char *buf, int cap, struct lnw_err *err);

/* ---- published ports: host port reservations (port.c) -------------------------------- */

/* Reserves a host port by binding a socket (not listening) in the namespace nsfd refers to:
 * nobody else can bind it while the returned fd is open, and a port that a listening socket
 * already holds is refused with EADDRINUSE. proto: IPPROTO_TCP, IPPROTO_UDP or IPPROTO_SCTP;
 * addr: 4 or 16 bytes, or NULL with family for the wildcard; an IPv6 socket is IPv6-only.
 * port 0 takes a free port from the namespace's ephemeral range; out_port gets the port
 * bound. Returns the fd; close it to release the port. */
int lnw_port_reserve(int nsfd, int family, int proto, const unsigned char *addr, int addr_len,
                     int port, int *out_port, struct lnw_err *err);
/* The two halves of lnw_port_reserve: an unbound socket made inside the namespace nsfd refers
 * to (on a private thread; IPv6 ones IPv6-only), and its binding, on the calling thread (the
 * socket's namespace decides addresses and the ephemeral range). A failed bind leaves fd open. */
int lnw_port_socket(int nsfd, int family, int proto, struct lnw_err *err);
int lnw_port_bind(int fd, int family, const unsigned char *addr, int addr_len, int port,
                  int *out_port, struct lnw_err *err);

/* ---- sockets for the controller's own services (sock.c) --------------------------------- */

/* DNS: the embedded resolver's sockets on bridge gateways and the host-port reservation of a
 * container publishing it share this port (SO_REUSEPORT on both); the resolver's, bound to a
 * single address, keep the queries sent to that address. */
#define LNW_SHARED_PORT 53

/* A non-blocking socket (SOCK_DGRAM or SOCK_STREAM) made inside the namespace nsfd refers to.
 * With addr or a port, it is bound there (SO_REUSEADDR, and FREEBIND so that an IPv6 address
 * still in duplicate address detection can be bound; an IPv6 socket is IPv6-only), and a
 * stream socket with backlog > 0 listens. Without either it is left unbound: the first send
 * or connect takes an ephemeral port of its namespace. Returns the fd; the caller owns it. */
int lnw_sock_open(int nsfd, int family, int type, const unsigned char *addr, int addr_len, int port,
                  int backlog, struct lnw_err *err);

/* n unbound non-blocking sockets (SOCK_DGRAM or SOCK_STREAM, 1 <= n <= LNW_SOCK_MANY_MAX) of
 * the namespace nsfd refers to, made in one entry into it: entering costs a thread's creation
 * and a setns (a hundred microseconds or more), a socket() a few. Each takes an ephemeral port
 * of that namespace at its first send or connect. Fills fds[0..n-1] and returns n, the caller
 * owning them; on failure returns -errno with none of them left open. */
#define LNW_SOCK_MANY_MAX 64
int lnw_sock_open_many(int nsfd, int family, int type, int n, int *fds, struct lnw_err *err);

/* A service's two sockets on addr:port (port 1 to 65535; addr NULL: any address) in the
 * namespace nsfd refers to, made in one entry into it (one thread, where lnw_sock_open twice
 * costs two): fds[0] a UDP socket bound there, fds[1] a TCP socket bound there and, with
 * backlog > 0, listening; each as lnw_sock_open makes them. Returns 2, the caller owning
 * both; on failure returns -errno with neither left open. */
int lnw_sock_open_service(int nsfd, int family, const unsigned char *addr, int addr_len, int port, int backlog,
                          int *fds, struct lnw_err *err);

/* Connects a non-blocking stream socket to addr:port, waiting up to timeout_ms. */
int lnw_sock_connect(int fd, int family, const unsigned char *addr, int addr_len, int port, int timeout_ms,
                     struct lnw_err *err);

/* ---- connectivity probes (probe.c) --------------------------------------------------- */

/* One ICMP echo (IPv4 or IPv6, addr of 4 or 16 bytes) sent from inside the namespace nsfd
 * refers to; waits up to timeout_ms for the reply. Returns the round trip in microseconds. */
long long lnw_probe_ping(int nsfd, const unsigned char *addr, int addr_len, int seq, int timeout_ms,
                         struct lnw_err *err);

/* A TCP socket listening on port (every address, IPv6 and IPv4 where the namespace has IPv6)
 * inside nsfd's namespace. Returns the fd; serve it from any thread, close it when done. */
int lnw_probe_listen(int nsfd, int port, struct lnw_err *err);

/* Accepts one connection on a listening fd (waiting up to timeout_ms), sends reply, closes
 * the connection. Returns the bytes sent. */
int lnw_probe_serve(int fd, const char *reply, int timeout_ms, struct lnw_err *err);

/* Connects from inside nsfd's namespace to addr:port and reads what comes until the peer
 * closes (at most cap - 1 bytes, NUL-terminated in out), within timeout_ms in all. Returns the
 * bytes read. */
int lnw_probe_fetch(int nsfd, const unsigned char *addr, int addr_len, int port, char *out, int cap,
                    int timeout_ms, struct lnw_err *err);

/* ---- conntrack (conntrack.c) --------------------------------------------------------- */

struct lnw_ct;

/* A conntrack handle: a netfilter socket made inside the namespace nsfd refers to, kept open.
 * Kept rather than made per call: closing a netfilter socket waits for nf_tables to finish
 * freeing what its last transaction removed (an RCU grace period, 3-10 ms) whenever that
 * transaction deleted something, as unpublishing a port does. Use from one thread at a time. */
struct lnw_ct *lnw_ct_open(int nsfd, struct lnw_err *err);
void lnw_ct_close(struct lnw_ct *ct);

/* Deletes every connection tracking entry of the handle's namespace whose original
 * destination or reply source is addr (4 or 16 bytes): what a removed endpoint's published
 * ports left, which would otherwise keep steering packets to an address that is gone.
 * Returns the number deleted. (`conntrack -D -d ADDR; conntrack -D -r ADDR`) */
int lnw_ct_flush_addr(struct lnw_ct *ct, const unsigned char *addr, int addr_len, struct lnw_err *err);

/* Deletes every entry of the namespace sent to port over proto (IPPROTO_UDP, say), whatever
 * its NAT: a flow that reached the port while nothing was published there was tracked
 * without a DNAT, and would keep bypassing a port published since (NAT is decided on a
 * flow's first packet). Returns the number deleted. (`conntrack -D -p udp --dport PORT`) */
int lnw_ct_flush_port(struct lnw_ct *ct, int proto, int port, struct lnw_err *err);

/* ---- nftables through libnftables (nft.c) -------------------------------------------- */

/* libnftables keeps process-wide state (its interface cache, one-time initialisation):
 * callers must serialize lnw_nft_* calls across all handles. */
struct lnw_nft;

struct lnw_nft *lnw_nft_open(int nsfd, struct lnw_err *err);
void lnw_nft_close(struct lnw_nft *nft);
/* The ruleset generation of the handle's namespace (NFT_MSG_GETGEN): every committed
 * transaction, whoever makes it, increments it, so an unchanged generation proves nobody has
 * touched any table since. Stored in out[0]. */
int lnw_nft_generation(struct lnw_nft *nft, uint64_t *out, struct lnw_err *err);

/* Runs RULESET (nft syntax) as one transaction inside the handle's namespace: all of it or
 * nothing. (`nft -f -`) */
int lnw_nft_apply(struct lnw_nft *nft, const char *ruleset, struct lnw_err *err);
/* Runs a list command (e.g. "list table inet lnw") with JSON output and copies the JSON
 * into out. Returns its length; if that is >= cap, out holds a truncated copy and the caller
 * retries with a larger buffer. (`nft -j list ...`) */
int lnw_nft_list_json(struct lnw_nft *nft, const char *command, char *out, int cap,
                      struct lnw_err *err);

#ifdef __cplusplus
}
#endif

#endif /* LNW_H */
