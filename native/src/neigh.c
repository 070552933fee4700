/*
 * neigh.c - static neighbour entries and bridge/VXLAN forwarding database entries, and their
 * dumps. Both are RTM_NEWNEIGH; an FDB entry is the AF_BRIDGE flavour, keyed by MAC.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/neighbour.h>

#include <netlink/addr.h>
#include <netlink/msg.h>
#include <netlink/route/neighbour.h>

#include "lnw_internal.h"

void lnw_neigh_describe(const struct lnw_neigh *n, char *buf, size_t len)
{
	char mac[3 * LNW_MAX_ADDR] = "";
	int pos = 0;

	for (int i = 0; i < n->lladdr_len && i < LNW_MAX_ADDR && pos < (int)sizeof(mac) - 3; i++)
		pos += snprintf(mac + pos, sizeof(mac) - pos, i ? ":%02x" : "%02x", n->lladdr[i]);
	snprintf(buf, len, "%s dev index %d", mac[0] ? mac : "(no lladdr)", n->ifindex);
}

int lnw_neigh_build(const struct lnw_neigh *n, int family, const char *op, const char *what,
                    struct rtnl_neigh **out, struct lnw_err *err)
{
	struct rtnl_neigh *ne = NULL;

	if (n->ifindex <= 0)
		return lnw_err_set(err, EINVAL, op, "%s: interface index %d", what, n->ifindex);
	if (n->dst_len != 0 && n->dst_len != 4 && n->dst_len != 16)
		return lnw_err_set(err, EINVAL, op, "%s: address length %d", what, n->dst_len);
	if (n->lladdr_len < 0 || n->lladdr_len > LNW_MAX_ADDR)
		return lnw_err_set(err, EINVAL, op, "%s: lladdr length %d", what, n->lladdr_len);
	/* ndm_state is 16 bits and ndm_flags 8: a larger value would be cut to another */
	if (n->state < 0 || n->state > 0xffff)
		return lnw_err_set(err, EINVAL, op, "%s: state %d", what, n->state);
	if (n->flags < 0 || n->flags > 0xff)
		return lnw_err_set(err, EINVAL, op, "%s: flags %d", what, n->flags);
	if (family == AF_BRIDGE && n->lladdr_len == 0)
		return lnw_err_set(err, EINVAL, op, "%s: an FDB entry needs a MAC", what);
	if (family != AF_BRIDGE && n->dst_len == 0)
		return lnw_err_set(err, EINVAL, op, "%s: a neighbour needs an IP", what);

	ne = rtnl_neigh_alloc();
	if (!ne)
		return lnw_err_set(err, ENOMEM, op, "%s", what);
	rtnl_neigh_set_ifindex(ne, n->ifindex);
	rtnl_neigh_set_state(ne, n->state ? n->state : NUD_PERMANENT);
	if (n->flags || family == AF_BRIDGE)
		rtnl_neigh_set_flags(ne, (unsigned)(n->flags ? n->flags : NTF_SELF));
	if (n->dst_len) {
		struct nl_addr *a = nl_addr_build(n->dst_len == 4 ? AF_INET : AF_INET6, n->dst,
						  (size_t)n->dst_len);
		if (!a)
			goto nomem;
		rtnl_neigh_set_dst(ne, a);
		nl_addr_put(a);
	}
	if (n->lladdr_len) {
		struct nl_addr *a = nl_addr_build(AF_LLC, n->lladdr, (size_t)n->lladdr_len);

		if (!a)
			goto nomem;
		rtnl_neigh_set_lladdr(ne, a);
		nl_addr_put(a);
	}
	/* After the addresses: libnl refuses (silently) a dst whose family differs from the
	 * neighbour's, and an FDB entry (AF_BRIDGE) carries an IPv4/IPv6 remote. */
	rtnl_neigh_set_family(ne, family);
	*out = ne;
	return 0;
nomem:
	rtnl_neigh_put(ne);
	return lnw_err_set(err, ENOMEM, op, "%s", what);
}

static int neigh_send(struct lnw_nl *nl, const struct lnw_neigh *n, int family, int add,
                      int nlflags, const char *op, struct lnw_err *err)
{
	struct rtnl_neigh *ne = NULL;
	struct nl_msg *msg;
	char what[128];
	int rc;

	lnw_err_clear(err);
	lnw_neigh_describe(n, what, sizeof(what));
	if ((rc = lnw_neigh_build(n, family, op, what, &ne, err)) < 0)
		return rc;
	rc = add ? rtnl_neigh_build_add_request(ne, nlflags, &msg)
		 : rtnl_neigh_build_delete_request(ne, 0, &msg);
	rtnl_neigh_put(ne);
	if (rc < 0)
		return lnw_nl_fail(err, rc, op, what);
	return lnw_nl_transact(nl, msg, NULL, NULL, err, op, "%s", what);
}

int lnw_neigh_add(struct lnw_nl *nl, const struct lnw_neigh *n, int replace, struct lnw_err *err)
{
	int family = n->dst_len == 16 ? AF_INET6 : AF_INET;

	return neigh_send(nl, n, family, 1,
			  NLM_F_CREATE | (replace ? NLM_F_REPLACE : NLM_F_EXCL), "add neighbour",
			  err);
}

int lnw_neigh_del(struct lnw_nl *nl, const struct lnw_neigh *n, struct lnw_err *err)
{
	int family = n->dst_len == 16 ? AF_INET6 : AF_INET;

	return neigh_send(nl, n, family, 0, 0, "delete neighbour", err);
}

int lnw_fdb_add(struct lnw_nl *nl, const struct lnw_neigh *n, int append, struct lnw_err *err)
{
	return neigh_send(nl, n, AF_BRIDGE, 1,
			  NLM_F_CREATE | (append ? NLM_F_APPEND : NLM_F_EXCL), "add fdb entry", err);
}

int lnw_fdb_del(struct lnw_nl *nl, const struct lnw_neigh *n, struct lnw_err *err)
{
	return neigh_send(nl, n, AF_BRIDGE, 0, 0, "delete fdb entry", err);
}

struct neigh_filter {
	int ifindex, family;
};

/* The entries of link ifindex (all for 0) and, for an FDB dump, only the device's own
 * (NTF_SELF): a bridge reports the entries of its ports too, under the port's index with
 * NTF_MASTER (`bridge fdb show dev PORT` prints both kinds), and those are the bridge's
 * table, not the device's. */
static int of_link(struct nl_object *obj, void *arg)
{
	const struct neigh_filter *f = arg;
	struct rtnl_neigh *ne = (struct rtnl_neigh *)obj;

	if (f->ifindex != 0 && rtnl_neigh_get_ifindex(ne) != f->ifindex)
		return 0;
	return f->family != AF_BRIDGE || (rtnl_neigh_get_flags(ne) & NTF_SELF);
}

struct lnw_list *lnw_neigh_list(struct lnw_nl *nl, int family, int ifindex, struct lnw_err *err)
{
	/* The kernel could filter by link itself (NDA_IFINDEX; for FDB dumps only with strict
	 * checking, and an ifinfomsg header without it): filtering here works on every kernel
	 * and socket, and a network's namespace holds few entries besides its own. */
	struct ndmsg ndm = { .ndm_family = (unsigned char)family };
	const char *op = family == AF_BRIDGE ? "list fdb entries" : "list neighbours";
	struct lnw_list *list;
	struct nl_msg *msg;

	lnw_err_clear(err);
	if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6 && family != AF_BRIDGE) {
		lnw_err_set(err, EAFNOSUPPORT, op, "family %d", family);
		return NULL;
	}
	if (ifindex < 0) {
		lnw_err_set(err, EINVAL, op, "interface index %d", ifindex);
		return NULL;
	}
	msg = nlmsg_alloc_simple(RTM_GETNEIGH, NLM_F_DUMP);
	if (!msg || nlmsg_append(msg, &ndm, sizeof(ndm), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		lnw_err_set(err, ENOMEM, op, "request");
		return NULL;
	}
	list = lnw_list_dump(nl, msg, err, op);
	if (list) {
		struct neigh_filter f = { .ifindex = ifindex, .family = family };

		lnw_list_keep(list, of_link, &f);
	}
	return list;
}

int lnw_neigh_list_get(const struct lnw_list *list, int i, struct lnw_neigh *out)
{
	struct rtnl_neigh *ne = (struct rtnl_neigh *)lnw_list_at(list, i, "route/neigh");
	struct nl_addr *a;

	if (!ne)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->ifindex = rtnl_neigh_get_ifindex(ne);
	out->family = rtnl_neigh_get_family(ne);
	out->state = rtnl_neigh_get_state(ne);
	out->flags = (int)rtnl_neigh_get_flags(ne);
	a = rtnl_neigh_get_dst(ne);
	if (a && (nl_addr_get_len(a) == 4 || nl_addr_get_len(a) == 16)) {
		out->dst_len = (int)nl_addr_get_len(a);
		memcpy(out->dst, nl_addr_get_binary_addr(a), (size_t)out->dst_len);
	}
	a = rtnl_neigh_get_lladdr(ne);
	if (a && nl_addr_get_len(a) <= LNW_MAX_ADDR) {
		out->lladdr_len = (int)nl_addr_get_len(a);
		memcpy(out->lladdr, nl_addr_get_binary_addr(a), (size_t)out->lladdr_len);
	}
	return 0;
}
