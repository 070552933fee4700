/*
 * fuzz_attrs.c - libFuzzer target: the attribute builders, which turn what Java sends down
 * (struct lnw_addr, lnw_route, lnw_neigh) into rtnetlink requests.
 *
 * The input's first byte picks the builder (address, route, neighbour, FDB entry); the rest
 * is the struct's bytes, as Java could fill them. Each request that builds is parsed back
 * with libnl's own parser, and what the kernel would be asked for must be what was given:
 * a field that does not fit the message (a scope above 255 in a u8, say) is refused by the
 * builder with EINVAL, never cut down to another valid value. A refusal must leave an error
 * whose texts end inside their buffers. ASan and UBSan watch the rest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/msg.h>
#include <netlink/route/addr.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/route.h>

#include "lnw_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* a finding names what differs, for whoever reads the crash report */
#define EXPECT(cond, field)                                                       \
	do {                                                                      \
		if (!(cond)) {                                                    \
			fprintf(stderr, "fuzz_attrs: %s differs after the round trip\n", field); \
			abort();                                                  \
		}                                                                 \
	} while (0)

static void check_err(const struct lnw_err *err, int rc)
{
	if (rc >= 0 || strnlen(err->op, sizeof(err->op)) == sizeof(err->op) ||
	    strnlen(err->msg, sizeof(err->msg)) == sizeof(err->msg) || err->code <= 0)
		abort();
}

static void check_text(const char *buf, size_t len)
{
	if (strnlen(buf, len) == len)
		abort();
}

static void take(struct nl_object *obj, void *arg)
{
	nl_object_get(obj);
	*(struct nl_object **)arg = obj;
}

/* The request parsed back as the kernel would read it; aborts if libnl cannot. */
static struct nl_object *parse_back(struct nl_msg *msg)
{
	struct nl_object *obj = NULL;

	nlmsg_set_proto(msg, NETLINK_ROUTE);
	if (nl_msg_parse(msg, take, &obj) < 0 || !obj)
		abort();
	nlmsg_free(msg);
	return obj;
}

static int same_addr(struct nl_addr *a, int family, const unsigned char *bytes, int len)
{
	return a && nl_addr_get_family(a) == family && (int)nl_addr_get_len(a) == len &&
	       memcmp(nl_addr_get_binary_addr(a), bytes, (size_t)len) == 0;
}

static void fuzz_addr(const struct lnw_addr *a)
{
	struct rtnl_addr *ra = NULL, *back;
	struct lnw_err err;
	struct nl_msg *msg;
	char what[96];
	int rc, alen = a->family == AF_INET ? 4 : 16;

	lnw_err_clear(&err);
	lnw_addr_describe(a, what, sizeof(what));
	check_text(what, sizeof(what));
	rc = lnw_addr_build(a, "add address", what, &ra, &err);
	if (rc < 0) {
		check_err(&err, rc);
		return;
	}
	if (rtnl_addr_build_add_request(ra, NLM_F_CREATE | NLM_F_EXCL, &msg) < 0)
		abort();
	rtnl_addr_put(ra);
	back = (struct rtnl_addr *)parse_back(msg);
	EXPECT(rtnl_addr_get_family(back) == a->family, "family");
	EXPECT(rtnl_addr_get_ifindex(back) == a->ifindex, "ifindex");
	EXPECT((int)rtnl_addr_get_prefixlen(back) == a->prefixlen, "prefix length");
	EXPECT(same_addr(rtnl_addr_get_local(back), a->family, a->addr, alen), "address");
	EXPECT(a->scope < 0 || rtnl_addr_get_scope(back) == a->scope, "scope");
	EXPECT((int)rtnl_addr_get_flags(back) == a->flags, "flags");
	rtnl_addr_put(back);
}

static void fuzz_route(const struct lnw_route *r)
{
	struct rtnl_route *rt = NULL, *back;
	struct rtnl_nexthop *nh;
	struct lnw_err err;
	struct nl_msg *msg;
	char what[160];
	int rc, alen = r->family == AF_INET ? 4 : 16;

	lnw_err_clear(&err);
	lnw_route_describe(r, what, sizeof(what));
	check_text(what, sizeof(what));
	rc = lnw_route_build(r, "add route", what, &rt, &err);
	if (rc < 0) {
		check_err(&err, rc);
		return;
	}
	if (rtnl_route_build_add_request(rt, NLM_F_CREATE | NLM_F_EXCL, &msg) < 0)
		abort();
	rtnl_route_put(rt);
	back = (struct rtnl_route *)parse_back(msg);
	nh = rtnl_route_get_nnexthops(back) == 1 ? rtnl_route_nexthop_n(back, 0) : NULL;
	EXPECT(rtnl_route_get_family(back) == r->family, "family");
	EXPECT((int)rtnl_route_get_table(back) == (r->table ? r->table : RT_TABLE_MAIN), "table");
	EXPECT(rtnl_route_get_protocol(back) == (r->protocol ? r->protocol : RTPROT_BOOT), "protocol");
	EXPECT(rtnl_route_get_type(back) == (r->type ? r->type : RTN_UNICAST), "type");
	EXPECT(r->scope < 0 || rtnl_route_get_scope(back) == r->scope, "scope");
	EXPECT(r->priority < 0 || (int64_t)rtnl_route_get_priority(back) == r->priority, "priority");
	EXPECT(nh != NULL, "next hop");
	EXPECT(r->oif <= 0 || rtnl_route_nh_get_ifindex(nh) == r->oif, "oif");
	EXPECT((int)rtnl_route_nh_get_flags(nh) == r->flags, "next hop flags");
	EXPECT(!r->has_gateway || same_addr(rtnl_route_nh_get_gateway(nh), r->family, r->gateway, alen),
	       "gateway");
	if (r->dst_len) {
		struct nl_addr *dst = rtnl_route_get_dst(back);

		EXPECT(same_addr(dst, r->family, r->dst, alen), "destination");
		EXPECT((int)nl_addr_get_prefixlen(dst) == r->dst_len, "destination length");
	}
	rtnl_route_put(back);
}

static void fuzz_neigh(const struct lnw_neigh *n, int family)
{
	struct rtnl_neigh *ne = NULL, *back;
	struct nl_addr *lladdr;
	struct lnw_err err;
	struct nl_msg *msg;
	char what[128];
	int rc;

	lnw_err_clear(&err);
	lnw_neigh_describe(n, what, sizeof(what));
	check_text(what, sizeof(what));
	rc = lnw_neigh_build(n, family, "add neighbour", what, &ne, &err);
	if (rc < 0) {
		check_err(&err, rc);
		return;
	}
	if (rtnl_neigh_build_add_request(ne, NLM_F_CREATE | NLM_F_REPLACE, &msg) < 0)
		abort();
	rtnl_neigh_put(ne);
	back = (struct rtnl_neigh *)parse_back(msg);
	EXPECT(rtnl_neigh_get_family(back) == family, "family");
	EXPECT(rtnl_neigh_get_ifindex(back) == n->ifindex, "ifindex");
	EXPECT(rtnl_neigh_get_state(back) == (n->state ? n->state : NUD_PERMANENT), "state");
	EXPECT(!n->flags || (int)rtnl_neigh_get_flags(back) == n->flags, "flags");
	EXPECT(!n->dst_len || same_addr(rtnl_neigh_get_dst(back), n->dst_len == 4 ? AF_INET : AF_INET6,
					n->dst, n->dst_len), "destination");
	/* libnl guesses a read lladdr's family from its length (4 bytes: AF_INET): bytes only */
	lladdr = rtnl_neigh_get_lladdr(back);
	EXPECT(!n->lladdr_len || (lladdr && (int)nl_addr_get_len(lladdr) == n->lladdr_len &&
				  !memcmp(nl_addr_get_binary_addr(lladdr), n->lladdr, (size_t)n->lladdr_len)),
	       "lladdr");
	rtnl_neigh_put(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	union {
		struct lnw_addr addr;
		struct lnw_route route;
		struct lnw_neigh neigh;
	} u;

	if (size < 1)
		return 0;
	memset(&u, 0, sizeof(u));
	memcpy(&u, data + 1, size - 1 < sizeof(u) ? size - 1 : sizeof(u));
	switch (data[0] % 4) {
	case 0:
		fuzz_addr(&u.addr);
		break;
	case 1:
		fuzz_route(&u.route);
		break;
	case 2:
		/* as lnw_neigh_add and lnw_neigh_del choose it */
		fuzz_neigh(&u.neigh, u.neigh.dst_len == 16 ? AF_INET6 : AF_INET);
		break;
	default:
		fuzz_neigh(&u.neigh, AF_BRIDGE);
		break;
	}
	return 0;
}
