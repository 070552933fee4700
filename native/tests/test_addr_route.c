/* Addresses and routes: the attach sequence (address, up, default route), IPv6 nodad,
 * on-link gateways, lists, deletion and errors. */
#include <arpa/inet.h>
#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "t.h"

int main(void)
{
	struct lnw_err err;
	struct lnw_link br, host, peer;
	int hostns = t_netns(), ctns = t_netns();
	struct lnw_nl *h = lnw_nl_open_at(hostns, &err), *c = lnw_nl_open_at(ctns, &err);
	struct lnw_addr a, gw;
	struct lnw_route r;
	struct lnw_list *list;
	int n, seen;

	CHECK(h && c);
	if (!h || !c)
		return t_done("addr_route");
	OK(lnw_link_bridge_create(h, "lnwt-br0", 0, 1, 1, NULL, 0, &br, &err), &err);
	gw = t_v4(br.index, "10.77.0.1", 24);
	OK(lnw_addr_add(h, &gw, &err), &err);
	OK(lnw_link_veth_create(h, "lnwt-v0", c, "eth0", br.index, 0, 1, NULL, 0, &host, &peer, &err),
	   &err);

	/* the attach sequence inside the container */
	a = t_v4(peer.index, "10.77.0.2", 24);
	OK(lnw_addr_add(c, &a, &err), &err);
	OK(lnw_link_set_up(c, peer.index, &err), &err);
	r = t_default_via(peer.index, "10.77.0.1");
	OK(lnw_route_add(c, &r, &err), &err);
	CHECK(t_oracle_has(ctns, "ip -4 -o addr show dev eth0", "inet 10.77.0.2/24 brd 10.77.0.255"));
	CHECK(t_oracle_has(ctns, "ip route show default", "default via 10.77.0.1 dev eth0"));
	/* real traffic: the container reaches the gateway on the bridge */
	CHECK(t_oracle_has(ctns, "ping -c 1 -W 2 10.77.0.1", "1 received"));

	/* errors: duplicate address, duplicate route, unreachable gateway, bad prefix */
	FAILS(lnw_addr_add(c, &a, &err), EEXIST, &err);
	FAILS(lnw_route_add(c, &r, &err), EEXIST, &err);
	{
		struct lnw_route bad = r;

		bad.dst_len = 8;
		inet_pton(AF_INET, "10.0.0.0", bad.dst);
		inet_pton(AF_INET, "192.0.2.1", bad.gateway);
		FAILS(lnw_route_add(c, &bad, &err), ENETUNREACH, &err);
		/* ...unless it is declared on-link */
		bad.flags = RTNH_F_ONLINK;
		OK(lnw_route_add(c, &bad, &err), &err);
		CHECK(t_oracle_has(ctns, "ip route show 10.0.0.0/8", "via 192.0.2.1 dev eth0 onlink"));
		OK(lnw_route_del(c, &bad, &err), &err);
		FAILS(lnw_route_del(c, &bad, &err), ESRCH, &err);
	}
	{
		struct lnw_addr bad = a;

		bad.prefixlen = 33;
		FAILS(lnw_addr_add(c, &bad, &err), EINVAL, &err);
		bad = t_v4(9999, "10.77.0.3", 24);
		FAILS(lnw_addr_add(c, &bad, &err), ENODEV, &err);
	}

	/* IPv6 without duplicate address detection is usable at once */
	{
		struct lnw_addr a6 = { .ifindex = peer.index, .family = AF_INET6, .prefixlen = 64,
				       .flags = IFA_F_NODAD, .scope = -1 };

		inet_pton(AF_INET6, "fd77::2", a6.addr);
		OK(lnw_addr_add(c, &a6, &err), &err);
		CHECK(t_oracle_has(ctns, "ip -6 -o addr show dev eth0", "fd77::2/64"));
		CHECK(t_oracle_lacks(ctns, "ip -6 -o addr show dev eth0 tentative", "fd77::2"));
	}

	/* lists agree with the oracle */
	list = lnw_addr_list(c, peer.index, AF_INET, &err);
	CHECK(list && lnw_list_count(list) == 1);
	OK(lnw_addr_list_get(list, 0, &a), &err);
	CHECK(a.prefixlen == 24 && a.addr[3] == 2 && a.ifindex == peer.index);
	lnw_list_free(list);
	list = lnw_route_list(c, AF_INET, &err);
	n = lnw_list_count(list);
	seen = 0;
	for (int i = 0; i < n; i++) {
		struct lnw_route x;

		lnw_route_list_get(list, i, &x);
		if (x.table == RT_TABLE_MAIN && x.dst_len == 0 && x.has_gateway && x.gateway[3] == 1)
			seen++;
	}
	CHECK(seen == 1);
	lnw_list_free(list);

	OK(lnw_route_del(c, &r, &err), &err);
	OK(lnw_addr_del(c, &a, &err), &err);
	FAILS(lnw_addr_del(c, &a, &err), EADDRNOTAVAIL, &err);
	CHECK(t_oracle_lacks(ctns, "ip -4 -o addr show dev eth0", "10.77.0.2"));

	lnw_nl_close(h);
	lnw_nl_close(c);
	close(hostns);
	close(ctns);
	return t_done("addr_route");
}
