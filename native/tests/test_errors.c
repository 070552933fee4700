/* struct lnw_err: raw errnos, libnl's folded codes beside them, names, extended ack text. */
#include <arpa/inet.h>
#include <netlink/errno.h>

#include <limits.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "t.h"
#include "lnw_internal.h"

/* What fuzzing found (native/fuzz): malformed error messages and codes, read safely. */
static void malformed_errors(void)
{
	char buf[64];
	char extack[16];
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	struct nlmsgerr *e = (struct nlmsgerr *)((char *)buf + NLMSG_HDRLEN);
	struct nlattr *a = (struct nlattr *)((char *)e + sizeof(*e));

	CHECK(lnw_nle_to_errno(INT_MIN) > 0); /* no negation of INT_MIN (UBSan) */
	memset(buf, 0, sizeof(buf));
	h->nlmsg_type = NLMSG_ERROR;
	h->nlmsg_len = NLMSG_HDRLEN + 2; /* too short for an nlmsgerr */
	CHECK(lnw_nl_parse_error(h, extack, sizeof(extack)) == EPROTO);
	/* uncapped, an echoed request that claims less than a header: not walked back into */
	h->nlmsg_len = NLMSG_HDRLEN + sizeof(*e);
	h->nlmsg_flags = NLM_F_ACK_TLVS;
	e->error = -EEXIST;
	e->msg.nlmsg_len = 3;
	CHECK(lnw_nl_parse_error(h, extack, sizeof(extack)) == EEXIST && extack[0] == '\0');
	/* capped, a message attribute without its NUL: cut at the attribute, terminated */
	h->nlmsg_flags = NLM_F_ACK_TLVS | NLM_F_CAPPED;
	a->nla_type = NLMSGERR_ATTR_MSG;
	a->nla_len = NLA_HDRLEN + 8;
	memcpy((char *)a + NLA_HDRLEN, "ABCDEFGH", 8);
	h->nlmsg_len = NLMSG_HDRLEN + sizeof(*e) + NLA_HDRLEN + 8;
	CHECK(lnw_nl_parse_error(h, extack, sizeof(extack)) == EEXIST && !strcmp(extack, "ABCDEFGH"));
	e->error = INT_MIN;
	CHECK(lnw_nl_parse_error(h, extack, sizeof(extack)) == EPROTO);
}

/* What fuzz_attrs found: fields that the message holds in fewer bits than Java's int, or
 * that libnl drops, were cut or ignored and another request sent. Each is refused by name,
 * and nothing reaches the kernel (the oracle shows no address, route or neighbour). */
static void out_of_range_fields(struct lnw_nl *h, int ns, int index)
{
	struct lnw_err err;
	struct lnw_addr a = t_v4(index, "10.9.8.7", 24);
	struct lnw_route r = { .family = AF_INET, .dst_len = 24, .scope = -1, .priority = -1, .oif = index };
	struct lnw_neigh n = { .ifindex = index, .dst_len = 4, .lladdr_len = 6,
			       .lladdr = { 0x02, 0, 0, 0, 0, 1 } };

	a.scope = 256; /* was sent as scope 0 (global) */
	FAILS(lnw_addr_add(h, &a, &err), EINVAL, &err);
	CHECK(strstr(err.msg, "scope 256") != NULL);
	a.scope = -1;
	a.prefixlen = 0; /* libnl refused to build it: "Missing attribute", no field named */
	FAILS(lnw_addr_add(h, &a, &err), EINVAL, &err);
	CHECK(strstr(err.msg, "prefix length 0") != NULL);
	CHECK(t_oracle_lacks(ns, "ip -4 -o addr show", "10.9.8.7"));

	inet_pton(AF_INET, "10.9.9.0", r.dst);
	r.type = RTN_MAX + 1; /* libnl ignored it and sent a unicast route */
	FAILS(lnw_route_add(h, &r, &err), EINVAL, &err);
	CHECK(strstr(err.msg, ": type") != NULL);
	r.type = 0;
	r.protocol = 256 + RTPROT_STATIC; /* was sent as protocol static */
	FAILS(lnw_route_add(h, &r, &err), EINVAL, &err);
	CHECK(strstr(err.msg, ": protocol") != NULL);
	CHECK(t_oracle_lacks(ns, "ip -4 -o route show table all", "10.9.9.0"));

	inet_pton(AF_INET, "10.9.8.1", n.dst);
	n.state = 0x10000 | NUD_PERMANENT; /* was sent as permanent */
	FAILS(lnw_neigh_add(h, &n, 0, &err), EINVAL, &err);
	CHECK(strstr(err.msg, "state 65664") != NULL);
	n.state = 0;
	n.flags = 0x100; /* was sent as no flags */
	FAILS(lnw_neigh_add(h, &n, 0, &err), EINVAL, &err);
	CHECK(strstr(err.msg, "flags 256") != NULL);
	CHECK(t_oracle_lacks(ns, "ip -4 -o neigh show", "10.9.8.1"));
}

int main(void)
{
	struct lnw_err err;
	struct lnw_link br;
	int ns = t_netns();
	struct lnw_nl *h = lnw_nl_open_at(ns, &err);

	CHECK(h != NULL);
	if (!h)
		return t_done("errors");
	OK(lnw_link_bridge_create(h, "lnwt-br0", 0, 0, 1, NULL, 0, &br, &err), &err);

	/* EEXIST stays EEXIST, with its name, the operation and the object */
	FAILS(lnw_link_bridge_create(h, "lnwt-br0", 0, 0, 1, NULL, 0, &br, &err), EEXIST, &err);
	CHECK(err.nl_code == NLE_EXIST);
	CHECK(!strcmp(err.op, "create bridge"));
	CHECK(strstr(err.msg, "\"lnwt-br0\"") && strstr(err.msg, "(EEXIST)"));

	/* errnos libnl has no code for (it folds them all into NLE_FAILURE) come through raw:
	 * enslaving a bridge to itself is ELOOP */
	FAILS(lnw_link_set_master(h, br.index, br.index, &err), ELOOP, &err);
	CHECK(err.nl_code == NLE_FAILURE);
	/* and errno is never libnl's fold: ENODEV stays ENODEV beside libnl's NLE_NODEV */
	FAILS(lnw_link_set_up(h, 4242, &err), ENODEV, &err);
	CHECK(err.nl_code == NLE_NODEV);

	/* the kernel's extended ack reaches the message: a route via a link that is down */
	{
		struct lnw_route r = { .family = AF_INET, .dst_len = 24, .scope = -1, .priority = -1,
				       .oif = br.index };

		inet_pton(AF_INET, "10.1.2.0", r.dst);
		FAILS(lnw_route_add(h, &r, &err), ENETDOWN, &err);
		CHECK(strstr(err.msg, "(ENETDOWN): Device for nexthop is not up") != NULL);
	}

	out_of_range_fields(h, ns, br.index);

	/* an error is cleared by the next successful call */
	OK(lnw_link_get_by_name(h, "lnwt-br0", &br, &err), &err);
	CHECK(err.code == 0 && err.msg[0] == '\0');

	lnw_nl_close(h);
	close(ns);
	malformed_errors();
	return t_done("errors");
}
