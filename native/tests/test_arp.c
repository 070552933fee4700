/* Gratuitous ARP on a bridge: what the overlay driver sends for peers it has just programmed. */
#include <arpa/inet.h>
#include <linux/neighbour.h>

#include "t.h"

int main(void)
{
	struct lnw_err err;
	struct lnw_link br, host, peer;
	int hostns = t_netns(), ctns = t_netns();
	struct lnw_nl *h = lnw_nl_open_at(hostns, &err), *c = lnw_nl_open_at(ctns, &err);
	struct lnw_neigh old = { 0 };
	struct lnw_addr a;
	unsigned char entries[20] = { 10, 55, 0, 9, 0x02, 0x42, 0x0a, 0x37, 0x00, 0x09,
				      10, 55, 0, 10, 0x02, 0x42, 0x0a, 0x37, 0x00, 0x0a };

	CHECK(h && c);
	if (!h || !c)
		return t_done("arp");
	OK(lnw_link_bridge_create(h, "lnwt-br0", 0, 1, 1, NULL, 0, &br, &err), &err);
	OK(lnw_link_veth_create(h, "lnwt-v0", c, "lnwt-c0", br.index, 0, 1, NULL, 0, &host, &peer,
				&err), &err);
	a = t_v4(peer.index, "10.55.0.2", 24);
	OK(lnw_addr_add(c, &a, &err), &err);
	OK(lnw_link_set_up(c, peer.index, &err), &err);

	/* the container knows .9 under an old MAC, and has never asked for .10 */
	old.ifindex = peer.index;
	old.state = NUD_STALE;
	old.dst_len = 4;
	inet_pton(AF_INET, "10.55.0.9", old.dst);
	old.lladdr_len = 6;
	memcpy(old.lladdr, (unsigned char[]){ 0x02, 0, 0, 0, 0, 0x01 }, 6);
	OK(lnw_neigh_add(c, &old, 0, &err), &err);
	CHECK(t_oracle_has(ctns, "ip neigh show dev lnwt-c0", "10.55.0.9 lladdr 02:00:00:00:00:01 STALE"));

	CHECK(OK(lnw_arp_announce(hostns, br.index, entries, 2, &err), &err) == 2);
	CHECK(t_oracle_has(ctns, "ip neigh show dev lnwt-c0", "10.55.0.9 lladdr 02:42:0a:37:00:09"));
	/* arp_accept off: no entry made from an announcement nobody asked for */
	CHECK(t_oracle_lacks(ctns, "ip neigh show dev lnwt-c0", "10.55.0.10"));

	CHECK(lnw_arp_announce(hostns, br.index, entries, 0, &err) == 0);
	FAILS(lnw_arp_announce(hostns, 0, entries, 1, &err), EINVAL, &err);
	FAILS(lnw_arp_announce(hostns, br.index, NULL, 1, &err), EINVAL, &err);
	FAILS(lnw_arp_announce(hostns, br.index, entries, -1, &err), EINVAL, &err);
	FAILS(lnw_arp_announce(hostns, 999999, entries, 1, &err), ENXIO, &err);
	CHECK(strstr(err.msg, "10.55.0.9") != NULL);

	lnw_nl_close(h);
	lnw_nl_close(c);
	close(hostns);
	close(ctns);
	return t_done("arp");
}
