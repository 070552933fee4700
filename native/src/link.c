/*
 * link.c - reading links and changing the attributes every link kind shares.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <linux/ethtool.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>

#include <netlink/addr.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/route/link.h>
#include <netlink/route/link/inet6.h>

#include "lnw_internal.h"

int lnw_ifname_check(const char *name, const char *field, const char *op, struct lnw_err *err)
{
	size_t len = name ? strlen(name) : 0;

	if (len == 0)
		return lnw_err_set(err, EINVAL, op, "%s is empty", field);
	if (len >= LNW_IFNAMSIZ)
		return lnw_err_set(err, EINVAL, op,
				   "%s \"%s\" is %zu bytes; the kernel allows at most %d",
				   field, name, len, LNW_IFNAMSIZ - 1);
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return lnw_err_set(err, EINVAL, op, "%s \"%s\" is reserved", field, name);
	for (const char *p = name; *p; p++)
		if (*p == '/' || *p == ':' || isspace((unsigned char)*p))
			return lnw_err_set(err, EINVAL, op, "%s \"%s\" contains '%c'", field,
					   name, *p);
	return 0;
}

void lnw_link_fill(struct rtnl_link *l, struct lnw_link *out)
{
	struct nl_addr *mac = rtnl_link_get_addr(l);
	const char *name = rtnl_link_get_name(l);
	const char *kind = rtnl_link_get_type(l);
	int32_t netnsid;

	memset(out, 0, sizeof(*out));
	out->index = rtnl_link_get_ifindex(l);
	out->flags = (int)rtnl_link_get_flags(l);
	out->mtu = (int)rtnl_link_get_mtu(l);
	out->master = rtnl_link_get_master(l);
	out->group = (int)rtnl_link_get_group(l);
	out->link = rtnl_link_get_link(l);
	out->link_netnsid = rtnl_link_get_link_netnsid(l, &netnsid) == 0 ? netnsid : -1;
	out->operstate = rtnl_link_get_operstate(l);
	if (mac) {
		unsigned len = nl_addr_get_len(mac);

		if (len > sizeof(out->mac))
			len = sizeof(out->mac);
		memcpy(out->mac, nl_addr_get_binary_addr(mac), len);
		out->mac_len = (int)len;
	}
	snprintf(out->name, sizeof(out->name), "%s", name ? name : "");
	snprintf(out->kind, sizeof(out->kind), "%s", kind ? kind : "");
}

static void take_first_link(struct nl_object *obj, void *arg)
{
	struct lnw_link *out = arg;

	if (out->index == 0 && !strcmp(nl_object_get_type(obj), "route/link"))
		lnw_link_fill((struct rtnl_link *)obj, out);
}

static int link_get(struct lnw_nl *nl, int index, const char *name, struct lnw_link *out,
                    struct lnw_err *err)
{
	struct nl_msg *msg;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = rtnl_link_build_get_request(index, name, &msg);
	if (rc < 0)
		return lnw_nl_fail(err, rc, "get link", name ? name : "by index");
	if (name)
		rc = lnw_nl_transact(nl, msg, take_first_link, out, err, "get link", "\"%s\"", name);
	else
		rc = lnw_nl_transact(nl, msg, take_first_link, out, err, "get link", "index %d", index);
	if (rc < 0)
		return rc;
	if (out->index == 0)
		return lnw_err_set(err, ENODEV, "get link", "no answer for %s", name ? name : "index");
	return out->index;
}

struct alias_job {
	char *buf;
	int cap;
	int len;     /* -1 until the link's answer is seen */
};

static void take_alias(struct nl_object *obj, void *arg)
{
	struct alias_job *job = arg;
	const char *alias;

	if (job->len >= 0 || strcmp(nl_object_get_type(obj), "route/link"))
		return;
	alias = rtnl_link_get_ifalias((struct rtnl_link *)obj);
	job->len = snprintf(job->buf, (size_t)job->cap, "%s", alias ? alias : "");
	if (job->len >= job->cap)
		job->len = job->cap - 1;
}

int lnw_link_get_alias(struct lnw_nl *nl, int index, char *buf, int cap, struct lnw_err *err)
{
	struct alias_job job = { .buf = buf, .cap = cap, .len = -1 };
	struct nl_msg *msg;
	int rc;

	lnw_err_clear(err);
	if (index <= 0 || !buf || cap <= 0)
		return lnw_err_set(err, EINVAL, "get link alias", "index %d", index);
	buf[0] = 0;
	rc = rtnl_link_build_get_request(index, NULL, &msg);
	if (rc < 0)
		return lnw_nl_fail(err, rc, "get link alias", "request");
	rc = lnw_nl_transact(nl, msg, take_alias, &job, err, "get link alias", "index %d", index);
	if (rc < 0)
		return rc;
	if (job.len < 0)
		return lnw_err_set(err, ENODEV, "get link alias", "no answer for index %d", index);
	return job.len;
}

int lnw_link_get_by_name(struct lnw_nl *nl, const char *name, struct lnw_link *out,
                         struct lnw_err *err)
{
	int rc;

	lnw_err_clear(err);
	rc = lnw_ifname_check(name, "interface name", "get link", err);
	return rc < 0 ? rc : link_get(nl, 0, name, out, err);
}

int lnw_link_get_by_index(struct lnw_nl *nl, int index, struct lnw_link *out,
                          struct lnw_err *err)
{
	lnw_err_clear(err);
	if (index <= 0)
		return lnw_err_set(err, EINVAL, "get link", "index %d", index);
	return link_get(nl, index, NULL, out, err);
}

/*
 * A dump without the counters (RTEXT_FILTER_SKIP_STATS, Linux 4.7), which are a third of
 * each link's message and which nothing here reads: with 10,000 veths in the host namespace
 * a dump is megabytes. With master > 0, only that bridge's ports: the kernel filters them
 * (IFLA_MASTER in a dump request) before filling any message.
 */
static struct lnw_list *link_dump(struct lnw_nl *nl, int family, int master, struct lnw_err *err,
				  const char *op)
{
	struct ifinfomsg ifi = { .ifi_family = (unsigned char)family };
	struct nl_msg *msg;

	lnw_err_clear(err);
	msg = nlmsg_alloc_simple(RTM_GETLINK, NLM_F_DUMP);
	if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(msg, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS) < 0 ||
	    (master > 0 && nla_put_u32(msg, IFLA_MASTER, (uint32_t)master) < 0)) {
		nlmsg_free(msg);
		lnw_err_set(err, ENOMEM, op, "request");
		return NULL;
	}
	return lnw_list_dump(nl, msg, err, op);
}

struct lnw_list *lnw_link_list(struct lnw_nl *nl, struct lnw_err *err)
{
	return link_dump(nl, AF_UNSPEC, 0, err, "list links");
}

struct lnw_list *lnw_link_list_ports(struct lnw_nl *nl, int master, struct lnw_err *err)
{
	if (master <= 0) {
		lnw_err_set(err, EINVAL, "list ports", "master index %d", master);
		return NULL;
	}
	return link_dump(nl, AF_UNSPEC, master, err, "list ports");
}

/*
 * Every bridge port of the namespace as the bridge reports it (`bridge link show`): name,
 * index, master, MTU, state, address and peer index, without alias or peer namespace id. A
 * full dump fills, for each veth end whose peer is in another namespace, that namespace's id,
 * which the kernel finds by a walk of the list of all of them: with 10,000 such ports a full
 * dump costs ~0.9 s, this one ~50 ms.
 */
struct lnw_list *lnw_link_list_bridge_ports(struct lnw_nl *nl, struct lnw_err *err)
{
	return link_dump(nl, AF_BRIDGE, 0, err, "list bridge ports");
}

int lnw_link_list_get(const struct lnw_list *list, int i, struct lnw_link *out)
{
	struct nl_object *obj = lnw_list_at(list, i, "route/link");

	if (!obj)
		return -EINVAL;
	lnw_link_fill((struct rtnl_link *)obj, out);
	return 0;
}

int lnw_link_list_get_alias(const struct lnw_list *list, int i, char *buf, int cap)
{
	struct nl_object *obj = lnw_list_at(list, i, "route/link");
	const char *alias;

	if (!obj || !buf || cap <= 0)
		return -EINVAL;
	alias = rtnl_link_get_ifalias((struct rtnl_link *)obj);
	snprintf(buf, (size_t)cap, "%s", alias ? alias : "");
	return (int)strlen(buf);
}

int lnw_link_send_new(struct lnw_nl *nl, struct rtnl_link *l, int nlflags,
                      struct lnw_err *err, const char *op, const char *what)
{
	struct nl_msg *msg;
	int rc = rtnl_link_build_add_request(l, nlflags, &msg);

	if (rc < 0)
		return lnw_nl_fail(err, rc, op, what);
	return lnw_nl_transact(nl, msg, NULL, NULL, err, op, "%s", what);
}

/* Keeps the echoed RTM_NEWLINK of the link called arg->name. */
struct echo {
	const char *name;
	struct lnw_link *out;
};

static void take_echo(struct nl_object *obj, void *arg)
{
	struct echo *e = arg;
	const char *name;

	if (strcmp(nl_object_get_type(obj), "route/link") != 0)
		return;
	name = rtnl_link_get_name((struct rtnl_link *)obj);
	if (name && !strcmp(name, e->name))
		lnw_link_fill((struct rtnl_link *)obj, e->out);
}

int lnw_link_create(struct lnw_nl *nl, struct rtnl_link *l, const char *name,
                    struct lnw_nl *read_nl, struct lnw_link *out, struct lnw_err *err,
                    const char *op, const char *what)
{
	struct nl_msg *msg;
	int rc;

	/* NLM_F_ECHO: since Linux 6.3 the kernel sends the new link back to us in the answer, which
	 * spares the round trip of reading it back. Older kernels ignore the flag; then, and for a
	 * link created in another namespace (read_nl), it is read back by name. */
	rc = rtnl_link_build_add_request(l, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ECHO, &msg);
	if (rc < 0)
		return lnw_nl_fail(err, rc, op, what);
	return lnw_link_create_msg(nl, msg, name, rtnl_link_get_master(l), read_nl, out, err, op, what);
}

int lnw_link_create_msg(struct lnw_nl *nl, struct nl_msg *msg, const char *name, int master,
                        struct lnw_nl *read_nl, struct lnw_link *out, struct lnw_err *err,
                        const char *op, const char *what)
{
	struct lnw_link echoed, tmp;
	struct echo echo = { .name = name, .out = &echoed };
	int rc;

	if (!out)
		out = &tmp;
	memset(&echoed, 0, sizeof(echoed));
	rc = lnw_nl_transact(nl, msg, read_nl == nl ? take_echo : NULL, &echo, err, op, "%s", what);
	if (rc < 0)
		return rc;
	if (echoed.index > 0) {
		/* The echo is sent once the link is registered and up, before the kernel enslaves
		 * it; the request was acknowledged as a whole, so the master is the one asked for. */
		if (master > 0)
			echoed.master = master;
		*out = echoed;
		return out->index;
	}
	rc = lnw_link_get_by_name(read_nl, name, out, err);
	if (rc < 0) {
		struct lnw_err ignored;
		struct lnw_link made;

		/* The link exists but cannot be read back: do not leave it half-known. */
		if (lnw_link_get_by_name(read_nl, name, &made, &ignored) > 0)
			lnw_link_delete(read_nl, made.index, &ignored);
		return rc;
	}
	return out->index;
}

void lnw_link_delete_quietly(struct lnw_nl *nl, int index)
{
	struct lnw_err ignored;

	lnw_link_delete(nl, index, &ignored);
}

/* RTM_NEWLINK without NLM_F_CREATE on an existing index changes only what l carries. */
static int link_change(struct lnw_nl *nl, struct rtnl_link *l, int index, const char *op,
                       struct lnw_err *err)
{
	char what[32];
	int rc;

	snprintf(what, sizeof(what), "index %d", index);
	if (index <= 0)
		rc = lnw_err_set(err, EINVAL, op, "%s", what);
	else {
		rtnl_link_set_ifindex(l, index);
		rc = lnw_link_send_new(nl, l, 0, err, op, what);
	}
	rtnl_link_put(l);
	return rc;
}

static struct rtnl_link *new_link(struct lnw_err *err, const char *op)
{
	struct rtnl_link *l = rtnl_link_alloc();

	if (!l)
		lnw_err_set(err, ENOMEM, op, "link object");
	return l;
}

#define CHANGE(op, setup)                                         \
	do {                                                      \
		struct rtnl_link *l;                              \
		lnw_err_clear(err);                               \
		if (!(l = new_link(err, op)))                     \
			return -ENOMEM;                           \
		setup;                                            \
		return link_change(nl, l, index, op, err);        \
	} while (0)

int lnw_link_set_up(struct lnw_nl *nl, int index, struct lnw_err *err)
{
	CHANGE("set link up", rtnl_link_set_flags(l, IFF_UP));
}

int lnw_link_set_down(struct lnw_nl *nl, int index, struct lnw_err *err)
{
	CHANGE("set link down", rtnl_link_unset_flags(l, IFF_UP));
}

int lnw_link_set_mtu(struct lnw_nl *nl, int index, int mtu, struct lnw_err *err)
{
	if (mtu <= 0) {
		lnw_err_clear(err);
		return lnw_err_set(err, EINVAL, "set link mtu", "mtu %d", mtu);
	}
	CHANGE("set link mtu", rtnl_link_set_mtu(l, (unsigned)mtu));
}

int lnw_link_obj_set_mac(struct rtnl_link *l, const unsigned char *mac, int mac_len)
{
	struct nl_addr *a = nl_addr_build(AF_LLC, mac, (size_t)mac_len);

	if (!a)
		return -ENOMEM;
	rtnl_link_set_addr(l, a);
	nl_addr_put(a);
	return 0;
}

int lnw_link_set_mac(struct lnw_nl *nl, int index, const unsigned char *mac, int mac_len,
                     struct lnw_err *err)
{
	struct rtnl_link *l;

	lnw_err_clear(err);
	if (!mac || mac_len <= 0 || mac_len > LNW_MAX_ADDR)
		return lnw_err_set(err, EINVAL, "set link address", "length %d", mac_len);
	if (!(l = new_link(err, "set link address")))
		return -ENOMEM;
	if (lnw_link_obj_set_mac(l, mac, mac_len) < 0) {
		rtnl_link_put(l);
		return lnw_err_set(err, ENOMEM, "set link address", "address");
	}
	return link_change(nl, l, index, "set link address", err);
}

int lnw_link_set_master(struct lnw_nl *nl, int index, int master, struct lnw_err *err)
{
	CHANGE(master ? "set link master" : "set link nomaster", rtnl_link_set_master(l, master));
}

int lnw_link_set_name(struct lnw_nl *nl, int index, const char *name, struct lnw_err *err)
{
	lnw_err_clear(err);
	if (lnw_ifname_check(name, "new name", "rename link", err) < 0)
		return -err->code;
	CHANGE("rename link", rtnl_link_set_name(l, name));
}

int lnw_link_set_netns(struct lnw_nl *nl, int index, int nsfd, struct lnw_err *err)
{
	CHANGE("move link", rtnl_link_set_ns_fd(l, nsfd));
}

int lnw_link_move(struct lnw_nl *nl, int index, int nsfd, const char *name, struct lnw_err *err)
{
	lnw_err_clear(err);
	if (name && lnw_ifname_check(name, "new name", "move link", err) < 0)
		return -err->code;
	/* do_setlink moves the link, then renames it there: one request, not one step. Its old
	 * name taken in the target, it arrives under the new one directly (IFLA_IFNAME is also
	 * the name pattern of the move); the new name taken there, the move stays done and the
	 * answer is EEXIST. */
	CHANGE("move link", {
		rtnl_link_set_ns_fd(l, nsfd);
		if (name)
			rtnl_link_set_name(l, name);
	});
}

int lnw_link_set_group(struct lnw_nl *nl, int index, int group, struct lnw_err *err)
{
	CHANGE("set link group", rtnl_link_set_group(l, (uint32_t)group));
}

int lnw_link_set_addr_gen_mode(struct lnw_nl *nl, int index, int mode, struct lnw_err *err)
{
	lnw_err_clear(err);
	if (mode < 0 || mode > 255)
		return lnw_err_set(err, EINVAL, "set link addrgenmode", "mode %d", mode);
	/* IFLA_AF_SPEC/AF_INET6: refused at creation (the inet6 device does not exist yet),
	 * accepted on any existing link */
	CHANGE("set link addrgenmode", rtnl_link_inet6_set_addr_gen_mode(l, (uint8_t)mode));
}

int lnw_link_configure(struct lnw_nl *nl, int index, int up, const char *alias, int addr_gen_mode,
                       int group, struct lnw_err *err)
{
	lnw_err_clear(err);
	if (up < -1 || up > 1)
		return lnw_err_set(err, EINVAL, "configure link", "up %d", up);
	if (alias && strlen(alias) >= LNW_IFALIASZ)
		return lnw_err_set(err, EINVAL, "configure link", "alias of %zu bytes; the kernel allows"
				   " at most %d", strlen(alias), LNW_IFALIASZ - 1);
	if (addr_gen_mode < -1 || addr_gen_mode > 255)
		return lnw_err_set(err, EINVAL, "configure link", "addrgenmode %d", addr_gen_mode);
	if (group < -1)
		return lnw_err_set(err, EINVAL, "configure link", "group %d", group);
	/* IFLA_IFALIAS and IFLA_AF_SPEC are both taken by do_setlink, in one request; neither is
	 * accepted at creation (the alias is ignored there, the inet6 device does not exist yet). */
	CHANGE("configure link", {
		if (up == 1)
			rtnl_link_set_flags(l, IFF_UP);
		else if (up == 0)
			rtnl_link_unset_flags(l, IFF_UP);
		if (alias)
			rtnl_link_set_ifalias(l, alias);
		if (addr_gen_mode >= 0)
			rtnl_link_inet6_set_addr_gen_mode(l, (uint8_t)addr_gen_mode);
		if (group >= 0)
			rtnl_link_set_group(l, (uint32_t)group);
	});
}

/* Bridge port options travel as IFLA_PROTINFO of an AF_BRIDGE RTM_SETLINK: that is how
 * `bridge link set` does it, and it needs no sysfs (which shows the namespace of whoever
 * mounted it, not ours). One flag, one request. */
static int set_bridge_port_flag(struct lnw_nl *nl, int index, int attr, int on, const char *op,
                                struct lnw_err *err)
{
	struct ifinfomsg ifi = { .ifi_family = AF_BRIDGE, .ifi_index = index };
	struct nlattr *prot;
	struct nl_msg *msg;

	lnw_err_clear(err);
	if (index <= 0)
		return lnw_err_set(err, EINVAL, op, "index %d", index);
	msg = nlmsg_alloc_simple(RTM_SETLINK, 0);
	if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    !(prot = nla_nest_start(msg, IFLA_PROTINFO | NLA_F_NESTED)) ||
	    nla_put_u8(msg, attr, on ? 1 : 0) < 0) {
		nlmsg_free(msg);
		return lnw_err_set(err, ENOMEM, op, "request");
	}
	nla_nest_end(msg, prot);
	return lnw_nl_transact(nl, msg, NULL, NULL, err, op, "index %d", index);
}

int lnw_link_set_hairpin(struct lnw_nl *nl, int index, int on, struct lnw_err *err)
{
	return set_bridge_port_flag(nl, index, IFLA_BRPORT_MODE, on, "set hairpin", err);
}

int lnw_link_set_isolated(struct lnw_nl *nl, int index, int on, struct lnw_err *err)
{
	return set_bridge_port_flag(nl, index, IFLA_BRPORT_ISOLATED, on, "set isolated", err);
}

int lnw_link_settle(struct lnw_nl *nl, const char *name, struct lnw_err *err)
{
	struct ethtool_value v = { .cmd = ETHTOOL_GLINK };
	struct ifreq req;
	int rc;

	lnw_err_clear(err);
	if ((rc = lnw_ifname_check(name, "interface name", "settle link", err)) < 0)
		return rc;
	memset(&req, 0, sizeof(req));
	snprintf(req.ifr_name, sizeof(req.ifr_name), "%s", name);
	req.ifr_data = (void *)&v;
	/* Any socket will do for the ioctl, and it acts in the socket's namespace, not the
	 * calling thread's: the netlink socket of the handle, made in the handle's namespace. */
	if (ioctl(nl_socket_get_fd(nl->sk), SIOCETHTOOL, &req) < 0)
		return lnw_err_set(err, errno, "settle link", "\"%s\"", name);
	return v.data ? 1 : 0;
}

int lnw_link_delete(struct lnw_nl *nl, int index, struct lnw_err *err)
{
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_index = index };
	struct nl_msg *msg;

	lnw_err_clear(err);
	if (index <= 0)
		return lnw_err_set(err, EINVAL, "delete link", "index %d", index);
	msg = nlmsg_alloc_simple(RTM_DELLINK, 0);
	if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return lnw_err_set(err, ENOMEM, "delete link", "request");
	}
	return lnw_nl_transact(nl, msg, NULL, NULL, err, "delete link", "index %d", index);
}

int lnw_link_delete_group(struct lnw_nl *nl, int group, struct lnw_err *err)
{
	/* ifindex 0 with IFLA_GROUP: the kernel deletes every link of the group in one go. */
	struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
	struct nl_msg *msg;

	lnw_err_clear(err);
	/* group 0 is the default group of every link: deleting it would delete everything */
	if (group <= 0)
		return lnw_err_set(err, EINVAL, "delete link group", "group %d", group);
	msg = nlmsg_alloc_simple(RTM_DELLINK, 0);
	if (!msg || nlmsg_append(msg, &ifi, sizeof(ifi), NLMSG_ALIGNTO) < 0 ||
	    nla_put_u32(msg, IFLA_GROUP, (uint32_t)group) < 0) {
		nlmsg_free(msg);
		return lnw_err_set(err, ENOMEM, "delete link group", "request");
	}
	return lnw_nl_transact(nl, msg, NULL, NULL, err, "delete link group", "group %d", group);
}

int lnw_link_create_on_parent(struct lnw_nl *nl, struct rtnl_link *l, const char *name, int parent,
			      struct lnw_nl *target_nl, struct lnw_link *out, struct lnw_err *err,
			      const char *op)
{
	char what[48];
	int rc, target_nsfd = -1;

	if (parent <= 0)
		return lnw_err_set(err, EINVAL, op, "\"%s\": parent index %d", name, parent);
	if (target_nl && (target_nsfd = lnw_nl_ns_fd(target_nl, err)) < 0)
		return target_nsfd;
	rtnl_link_set_name(l, name);
	rtnl_link_set_link(l, parent);
	if (target_nl)
		rtnl_link_set_ns_fd(l, target_nsfd);
	snprintf(what, sizeof(what), "\"%s\" on index %d", name, parent);
	rc = lnw_link_create(nl, l, name, target_nl ? target_nl : nl, out, err, op, what);
	close_quietly(target_nsfd);
	return rc;
}
