/*
 * route.c - routes: default via a gateway, on-link, device routes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>

#include <netlink/addr.h>
#include <netlink/msg.h>
#include <netlink/route/route.h>
#include <netlink/route/nexthop.h>

#include "lnw_internal.h"

static int addr_len(int family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : -1;
}

void lnw_route_describe(const struct lnw_route *r, char *buf, size_t len)
{
	char dst[INET6_ADDRSTRLEN] = "?", gw[INET6_ADDRSTRLEN] = "";
	int n;

	if (addr_len(r->family) > 0) {
		inet_ntop(r->family, r->dst, dst, sizeof(dst));
		if (r->has_gateway)
			inet_ntop(r->family, r->gateway, gw, sizeof(gw));
	}
	if (r->dst_len == 0)
		n = snprintf(buf, len, "default");
	else
		n = snprintf(buf, len, "%s/%d", dst, r->dst_len);
	if (n > 0 && (size_t)n < len && gw[0])
		n += snprintf(buf + n, len - n, " via %s", gw);
	if (n > 0 && (size_t)n < len && r->oif > 0)
		snprintf(buf + n, len - n, " dev index %d", r->oif);
}

int lnw_route_build(const struct lnw_route *r, const char *op, const char *what,
                    struct rtnl_route **out, struct lnw_err *err)
{
	int alen = addr_len(r->family);
	struct rtnl_nexthop *nh = NULL;
	struct rtnl_route *rt = NULL;
	struct nl_addr *dst;

	if (alen < 0)
		return lnw_err_set(err, EAFNOSUPPORT, op, "%s: family %d", what, r->family);
	if (r->dst_len < 0 || r->dst_len > alen * 8)
		return lnw_err_set(err, EINVAL, op, "%s: prefix length %d", what, r->dst_len);
	/* rtm_protocol, rtm_scope and rtnh_flags are single bytes: a larger value would be cut
	 * to another valid one; libnl ignores a type above RTN_MAX and sends unicast instead. So
	 * each is refused by name. */
	if (r->table < 0 || r->protocol < 0 || r->protocol > 255 || r->scope < -1 || r->scope > 255 ||
	    r->type < 0 || r->type > RTN_MAX || r->flags < 0 || r->flags > 255 || r->oif < 0)
		return lnw_err_set(err, EINVAL, op, "%s: %s", what,
				   r->table < 0 ? "table" : r->protocol < 0 || r->protocol > 255 ? "protocol" :
				   r->scope < -1 || r->scope > 255 ? "scope" : r->type < 0 || r->type > RTN_MAX ? "type" :
				   r->oif < 0 ? "interface index" : "next hop flags");
	if (!r->has_gateway && r->oif <= 0)
		return lnw_err_set(err, EINVAL, op, "%s: needs a gateway or an interface", what);

	rt = rtnl_route_alloc();
	/* A default route is a zero-length destination: libnl then leaves RTA_DST out. */
	dst = r->dst_len ? nl_addr_build(r->family, r->dst, (size_t)alen) : nl_addr_alloc(0);
	if (rt && (r->has_gateway || r->oif > 0))
		nh = rtnl_route_nh_alloc();
	if (!rt || !dst || !nh) {
		rtnl_route_put(rt);
		nl_addr_put(dst);
		rtnl_route_nh_free(nh);
		return lnw_err_set(err, ENOMEM, op, "%s", what);
	}
	nl_addr_set_family(dst, r->family);
	nl_addr_set_prefixlen(dst, r->dst_len);
	rtnl_route_set_family(rt, (uint8_t)r->family);
	rtnl_route_set_dst(rt, dst);
	nl_addr_put(dst);
	rtnl_route_set_table(rt, (uint32_t)(r->table ? r->table : RT_TABLE_MAIN));
	rtnl_route_set_protocol(rt, (uint8_t)(r->protocol ? r->protocol : RTPROT_BOOT));
	rtnl_route_set_type(rt, (uint8_t)(r->type ? r->type : RTN_UNICAST));
	if (r->scope >= 0)
		rtnl_route_set_scope(rt, (uint8_t)r->scope);
	else
		rtnl_route_set_scope(rt, r->has_gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK);
	if (r->priority >= 0)
		rtnl_route_set_priority(rt, (uint32_t)r->priority);
	if (r->oif > 0)
		rtnl_route_nh_set_ifindex(nh, r->oif);
	if (r->has_gateway) {
		struct nl_addr *gw = nl_addr_build(r->family, r->gateway, (size_t)alen);

		if (!gw) {
			rtnl_route_nh_free(nh);
			rtnl_route_put(rt);
			return lnw_err_set(err, ENOMEM, op, "%s", what);
		}
		rtnl_route_nh_set_gateway(nh, gw);
		nl_addr_put(gw);
	}
	if (r->flags)
		rtnl_route_nh_set_flags(nh, (unsigned)r->flags);
	rtnl_route_add_nexthop(rt, nh); /* the route owns nh from here */
	*out = rt;
	return 0;
}

int lnw_route_add(struct lnw_nl *nl, const struct lnw_route *r, struct lnw_err *err)
{
	struct rtnl_route *rt = NULL;
	struct nl_msg *msg;
	char what[128];
	int rc;

	lnw_err_clear(err);
	lnw_route_describe(r, what, sizeof(what));
	if ((rc = lnw_route_build(r, "add route", what, &rt, err)) < 0)
		return rc;
	rc = rtnl_route_build_add_request(rt, NLM_F_CREATE | NLM_F_EXCL, &msg);
	rtnl_route_put(rt);
	if (rc < 0)
		return lnw_nl_fail(err, rc, "add route", what);
	return lnw_nl_transact(nl, msg, NULL, NULL, err, "add route", "%s", what);
}

int lnw_route_del(struct lnw_nl *nl, const struct lnw_route *r, struct lnw_err *err)
{
	struct rtnl_route *rt = NULL;
	struct nl_msg *msg;
	char what[128];
	int rc;

	lnw_err_clear(err);
	lnw_route_describe(r, what, sizeof(what));
	if ((rc = lnw_route_build(r, "delete route", what, &rt, err)) < 0)
		return rc;
	rc = rtnl_route_build_del_request(rt, 0, &msg);
	rtnl_route_put(rt);
	if (rc < 0)
		return lnw_nl_fail(err, rc, "delete route", what);
	return lnw_nl_transact(nl, msg, NULL, NULL, err, "delete route", "%s", what);
}

struct lnw_list *lnw_route_list(struct lnw_nl *nl, int family, struct lnw_err *err)
{
	struct rtmsg rtm = { .rtm_family = (unsigned char)family };
	struct nl_msg *msg;

	lnw_err_clear(err);
	msg = nlmsg_alloc_simple(RTM_GETROUTE, NLM_F_DUMP);
	if (!msg || nlmsg_append(msg, &rtm, sizeof(rtm), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		lnw_err_set(err, ENOMEM, "list routes", "request");
		return NULL;
	}
	return lnw_list_dump(nl, msg, err, "list routes");
}

int lnw_route_list_get(const struct lnw_list *list, int i, struct lnw_route *out)
{
	struct rtnl_route *rt = (struct rtnl_route *)lnw_list_at(list, i, "route/route");
	struct nl_addr *dst;

	if (!rt)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	out->family = rtnl_route_get_family(rt);
	out->table = (int)rtnl_route_get_table(rt);
	out->protocol = rtnl_route_get_protocol(rt);
	out->scope = rtnl_route_get_scope(rt);
	out->type = rtnl_route_get_type(rt);
	out->priority = (int)rtnl_route_get_priority(rt);
	dst = rtnl_route_get_dst(rt);
	if (dst) {
		unsigned len = nl_addr_get_len(dst);

		out->dst_len = (int)nl_addr_get_prefixlen(dst);
		memcpy(out->dst, nl_addr_get_binary_addr(dst), len > 16 ? 16 : len);
	}
	if (rtnl_route_get_nnexthops(rt) >= 1) {
		struct rtnl_nexthop *nh = rtnl_route_nexthop_n(rt, 0);
		struct nl_addr *gw = rtnl_route_nh_get_gateway(nh);

		out->oif = rtnl_route_nh_get_ifindex(nh);
		out->flags = (int)rtnl_route_nh_get_flags(nh);
		if (gw) {
			unsigned len = nl_addr_get_len(gw);

			out->has_gateway = 1;
			memcpy(out->gateway, nl_addr_get_binary_addr(gw), len > 16 ? 16 : len);
		}
	}
	return 0;
}
