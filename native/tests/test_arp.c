/* Gratuitous ARP on a bridge and unsolicited neighbour advertisements on a port: what the overlay
 * driver sends for peers it has just programmed. */
#include <arpa/inet.h>
#include <linux/if_addr.h>
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

	/* IPv6: the container knows fd55::9 under the old MAC, has never asked for fd55::a */
	struct lnw_addr a6 = { .ifindex = peer.index, .family = AF_INET6, .prefixlen = 64, .scope = -1,
			       .flags = IFA_F_NODAD };
	unsigned char entries6[44] = { 0 };
	int port = host.index;

	inet_pton(AF_INET6, "fd55::2", a6.addr);
	OK(lnw_addr_add(c, &a6, &err), &err);
	old.dst_len = 16;
	inet_pton(AF_INET6, "fd55::9", old.dst);
	OK(lnw_neigh_add(c, &old, 0, &err), &err);
	CHECK(t_oracle_has(ctns, "ip -6 neigh show dev lnwt-c0", "fd55::9 lladdr 02:00:00:00:00:01 STALE"));
	inet_pton(AF_INET6, "fd55::9", entries6);
	memcpy(entries6 + 16, entries + 4, 6);
	inet_pton(AF_INET6, "fd55::a", entries6 + 22);
	memcpy(entries6 + 38, entries + 14, 6);
	/* sent on the container's port, not on the bridge: one frame per entry and link */
	CHECK(OK(lnw_ndisc_announce(hostns, &port, 1, entries6, 2, &err), &err) == 2);
	/* taken only if the checksum, hop limit and flags are right: ndisc drops it otherwise */
	CHECK(t_oracle_has(ctns, "ip -6 neigh show dev lnwt-c0", "fd55::9 lladdr 02:42:0a:37:00:09"));
	CHECK(t_oracle_lacks(ctns, "ip -6 neigh show dev lnwt-c0", "fd55::a"));

	CHECK(lnw_ndisc_announce(hostns, &port, 1, entries6, 0, &err) == 0);
	CHECK(lnw_ndisc_announce(hostns, &port, 0, entries6, 1, &err) == 0);
	FAILS(lnw_ndisc_announce(hostns, NULL, 1, entries6, 1, &err), EINVAL, &err);
	FAILS(lnw_ndisc_announce(hostns, (int[]){ 0 }, 1, entries6, 1, &err), EINVAL, &err);
	FAILS(lnw_ndisc_announce(hostns, &port, 1, NULL, 1, &err), EINVAL, &err);
	FAILS(lnw_ndisc_announce(hostns, &port, -1, entries6, 1, &err), EINVAL, &err);
	FAILS(lnw_ndisc_announce(hostns, (int[]){ 999999 }, 1, entries6, 1, &err), ENXIO, &err);
	CHECK(strstr(err.msg, "fd55::9") != NULL);

	lnw_nl_close(h);
	lnw_nl_close(c);
	close(hostns);
	close(ctns);
	return t_done("arp");
}
