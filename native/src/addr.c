/*
 * addr.c - IPv4 and IPv6 addresses on links.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/if_addr.h>

#include <netlink/addr.h>
#include <netlink/msg.h>
#include <netlink/route/addr.h>

#include "lnw_internal.h"

static int addr_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : -1;
}

void lnw_addr_describe(const struct lnw_addr *a, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (addr_len(a->family) > 0)
		inet_ntop(a->family, a->addr, ip, sizeof(ip));
	snprintf(buf, len, "%s/%d dev index %d", ip, a->prefixlen, a->ifindex);
}

/* Builds the libnl object for a; for IPv4 also the broadcast address, as `ip addr add
 * ... brd +` and Docker's netlink library do. */
int lnw_addr_build(const struct lnw_addr *a, const char *op, const char *what,
                   struct rtnl_addr **out, struct lnw_err *err)
{
	int alen = addr_len(a->family);
	struct nl_addr *local;
	struct rtnl_addr *ra = NULL;

	if (alen < 0)
		return lnw_err_set(err, EAFNOSUPPORT, op, "%s: family %d", what, a->family);
	/* libnl leaves a zero prefix length out of the request, then refuses to build it
	 * (missing attribute): a /0 address is refused here, by name. */
	if (a->prefixlen < 1 || a->prefixlen > alen * 8)
		return lnw_err_set(err, EINVAL, op, "%s: prefix length %d", what, a->prefixlen);
	if (a->ifindex <= 0)
		return lnw_err_set(err, EINVAL, op, "%s: interface index %d", what, a->ifindex);
	/* ifa_scope is one byte: a larger scope would be cut to another */
	if (a->scope < -1 || a->scope > 255)
		return lnw_err_set(err, EINVAL, op, "%s: scope %d", what, a->scope);

	ra = rtnl_addr_alloc();
	local = nl_addr_build(a->family, a->addr, (size_t)alen);
	if (!ra || !local) {
		rtnl_addr_put(ra);
		nl_addr_put(local);
		return lnw_err_set(err, ENOMEM, op, "%s", what);
	}
	nl_addr_set_prefixlen(local, a->prefixlen);
	rtnl_addr_set_ifindex(ra, a->ifindex);
	rtnl_addr_set_family(ra, a->family);
	rtnl_addr_set_local(ra, local);
	rtnl_addr_set_prefixlen(ra, a->prefixlen);
	if (a->flags)
		rtnl_addr_set_flags(ra, (unsigned)a->flags);
	if (a->scope >= 0)
		rtnl_addr_set_scope(ra, a->scope);
	if (a->family == AF_INET && a->prefixlen < 31) {
		uint32_t ip, mask = a->prefixlen ? htonl(~0u << (32 - a->prefixlen)) : 0;
		uint32_t brd;
		struct nl_addr *b;

		memcpy(&ip, a->addr, 4);
		brd = ip | ~mask;
		b = nl_addr_build(AF_INET, &brd, 4);
		if (b) {
			rtnl_addr_set_broadcast(ra, b);
			nl_addr_put(b);
		}
	}
	nl_addr_put(local);
	*out = ra;
	return 0;
}

int lnw_addr_add(struct lnw_nl *nl, const struct lnw_addr *a, struct lnw_err *err)
{
	struct rtnl_addr *ra = NULL;
	struct nl_msg *msg;
	char what[96];
	int rc;

	lnw_err_clear(err);
	lnw_addr_describe(a, what, sizeof(what));
	if ((rc = lnw_addr_build(a, "add address", what, &ra, err)) < 0)
		return rc;
	rc = rtnl_addr_build_add_request(ra, NLM_F_CREATE | NLM_F_EXCL, &msg);
	rtnl_addr_put(ra);
	if (rc < 0)
		return lnw_nl_fail(err, rc, "add address", what);
	return lnw_nl_transact(nl, msg, NULL, NULL, err, "add address", "%s", what);
}

int lnw_addr_del(struct lnw_nl *nl, const struct lnw_addr *a, struct lnw_err *err)
{
	struct rtnl_addr *ra = NULL;
	struct nl_msg *msg;
	char what[96];
	int rc;

	lnw_err_clear(err);
	lnw_addr_describe(a, what, sizeof(what));
	if ((rc = lnw_addr_build(a, "delete address", what, &ra, err)) < 0)
		return rc;
	rc = rtnl_addr_build_delete_request(ra, 0, &msg);
	rtnl_addr_put(ra);
	if (rc < 0)
		return lnw_nl_fail(err, rc, "delete address", what);
	return lnw_nl_transact(nl, msg, NULL, NULL, err, "delete address", "%s", what);
}

static int on_link(struct nl_object *obj, void *arg)
{
	return rtnl_addr_get_ifindex((struct rtnl_addr *)obj) == *(int *)arg;
}

struct lnw_list *lnw_addr_list(struct lnw_nl *nl, int ifindex, int family, struct lnw_err *err)
{
	struct ifaddrmsg ifa = { .ifa_family = (unsigned char)family };
	struct lnw_list *list;
	struct nl_msg *msg;

	lnw_err_clear(err);
	msg = nlmsg_alloc_simple(RTM_GETADDR, NLM_F_DUMP);
	if (!msg || nlmsg_append(msg, &ifa, sizeof(ifa), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		lnw_err_set(err, ENOMEM, "list addresses", "request");
		return NULL;
	}
	list = lnw_list_dump(nl, msg, err, "list addresses");
	/* The kernel filters address dumps by family only: drop the other links' here. */
	if (list && ifindex > 0)
		lnw_list_keep(list, on_link, &ifindex);
	return list;
}

int lnw_addr_list_get(const struct lnw_list *list, int i, struct lnw_addr *out)
{
	struct rtnl_addr *ra = (struct rtnl_addr *)lnw_list_at(list, i, "route/addr");
	struct nl_addr *local;
	const char *label;

	if (!ra)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->ifindex = rtnl_addr_get_ifindex(ra);
	out->family = rtnl_addr_get_family(ra);
	out->prefixlen = rtnl_addr_get_prefixlen(ra);
	out->flags = (int)rtnl_addr_get_flags(ra);
	out->scope = rtnl_addr_get_scope(ra);
	local = rtnl_addr_get_local(ra);
	if (local) {
		unsigned len = nl_addr_get_len(local);

		memcpy(out->addr, nl_addr_get_binary_addr(local), len > 16 ? 16 : len);
	}
	label = rtnl_addr_get_label(ra);
	snprintf(out->label, sizeof(out->label), "%s", label ? label : "");
	return 0;
}
