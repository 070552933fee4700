/* Batches: the attach sequence (address, up, default route) in one run, checked with ip;
 * a failing step stops the run, names itself and leaves the steps before it done. */
#include <arpa/inet.h>
#include <linux/rtnetlink.h>

#include "t.h"

int main(void)
{
	struct lnw_err err;
	struct lnw_link br, host, peer, host2, peer2;
	int hostns = t_netns(), ctns = t_netns();
	struct lnw_nl *h = lnw_nl_open_at(hostns, &err), *c = lnw_nl_open_at(ctns, &err);
	struct lnw_batch *b;
	struct lnw_addr a;
	struct lnw_route r;
	int failed = 99;

	CHECK(h && c);
	if (!h || !c)
		return t_done("batch");
	OK(lnw_link_bridge_create(h, "lnwt-br0", 0, 1, 1, NULL, 0, &br, &err), &err);
	a = t_v4(br.index, "10.78.0.1", 24);
	OK(lnw_addr_add(h, &a, &err), &err);
	OK(lnw_link_veth_create(h, "lnwt-v0", c, "eth0", br.index, 0, 1, NULL, 0, &host, &peer, &err),
	   &err);

	/* queuing sends nothing */
	b = lnw_batch_new();
	CHECK(b != NULL);
	a = t_v4(peer.index, "10.78.0.2", 24);
	r = t_default_via(peer.index, "10.78.0.1");
	CHECK(lnw_batch_link_addr_gen_mode(b, peer.index, 1 /* none */) == 0);
	CHECK(lnw_batch_addr_add(b, &a) == 0);
	CHECK(lnw_batch_link_up(b, peer.index) == 0);
	CHECK(lnw_batch_route_add(b, &r) == 0);
	CHECK(lnw_batch_count(b) == 4);
	CHECK(t_oracle_lacks(ctns, "ip -4 -o addr show dev eth0", "10.78.0.2"));

	CHECK(OK(lnw_batch_run(c, b, &failed, &err), &err) == 4);
	CHECK(failed == -1);
	/* set before up: eth0 never made a link-local address */
	CHECK(t_oracle_has(ctns, "ip -d link show dev eth0", "addrgenmode none"));
	CHECK(t_oracle_lacks(ctns, "ip -6 -o addr show dev eth0", "fe80"));
	CHECK(t_oracle_has(ctns, "ip -4 -o addr show dev eth0", "inet 10.78.0.2/24 brd 10.78.0.255"));
	CHECK(t_oracle_has(ctns, "ip -o link show dev eth0", "state UP"));
	CHECK(t_oracle_has(ctns, "ip -4 route show default", "default via 10.78.0.1 dev eth0"));
	CHECK(t_oracle_has(ctns, "ping -c1 -W2 10.78.0.1", "1 received"));

	/* run again: the address exists, so its step fails and nothing after it runs */
	FAILS(lnw_batch_run(c, b, &failed, &err), EEXIST, &err);
	CHECK(failed == 1);
	CHECK(strstr(err.op, "address") != NULL);
	CHECK(strstr(err.msg, "10.78.0.2/24") != NULL);
	lnw_batch_free(b);

	/* a second interface whose route cannot be added: address and up stay done */
	OK(lnw_link_veth_create(h, "lnwt-v1", c, "eth1", br.index, 0, 1, NULL, 0, &host2, &peer2, &err),
	   &err);
	b = lnw_batch_new();
	a = t_v4(peer2.index, "10.79.0.2", 24);
	r = t_default_via(peer2.index, "10.78.0.1"); /* the gateway is not on eth1's subnet */
	CHECK(lnw_batch_addr_add(b, &a) == 0);
	CHECK(lnw_batch_link_up(b, peer2.index) == 0);
	CHECK(lnw_batch_route_add(b, &r) == 0);
	CHECK(lnw_batch_run(c, b, &failed, &err) < 0);
	CHECK(failed == 2);
	CHECK(err.code != 0 && strstr(err.op, "route") != NULL);
	CHECK(t_oracle_has(ctns, "ip -4 -o addr show dev eth1", "inet 10.79.0.2/24"));
	CHECK(t_oracle_has(ctns, "ip -o link show dev eth1", "state UP"));
	CHECK(t_oracle_lacks(ctns, "ip -4 route show default", "eth1"));
	lnw_batch_free(b);

	/* an empty batch runs nothing; freeing NULL is allowed */
	b = lnw_batch_new();
	CHECK(lnw_batch_run(c, b, &failed, &err) == 0 && failed == -1);
	lnw_batch_free(b);
	lnw_batch_free(NULL);

	lnw_nl_close(c);
	lnw_nl_close(h);
	close(ctns);
	close(hostns);
	return t_done("batch");
}
