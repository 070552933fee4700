/* Static neighbours and FDB entries (the overlay driver's needs). */
#include <arpa/inet.h>
#include <linux/neighbour.h>

#include "t.h"

int main(void)
{
	struct lnw_err err;
	struct lnw_link vx, br, host;
	int ns = t_netns();
	struct lnw_nl *h = lnw_nl_open_at(ns, &err);
	struct lnw_neigh n = { 0 }, f = { 0 };
	unsigned char mac[6] = { 0x02, 0x42, 0x0a, 0x00, 0x00, 0x05 };
	unsigned char local[4] = { 10, 66, 0, 1 };

	CHECK(h != NULL);
	if (!h)
		return t_done("neigh");
	OK(lnw_link_bridge_create(h, "lnwt-br0", 0, 1, 1, NULL, 0, &br, &err), &err);
	OK(lnw_link_veth_create(h, "lnwt-v0", h, "lnwt-v0p", br.index, 0, 1, NULL, 0, &host, NULL,
				&err), &err);
	OK(lnw_link_vxlan_create(h, "lnwt-vx", 256, local, 4, 0, 0, 0, 0, 0, &vx, &err), &err);

	n.ifindex = host.index;
	n.dst_len = 4;
	inet_pton(AF_INET, "10.66.0.5", n.dst);
	n.lladdr_len = 6;
	memcpy(n.lladdr, mac, 6);
	OK(lnw_neigh_add(h, &n, 0, &err), &err);
	CHECK(t_oracle_has(ns, "ip neigh show dev lnwt-v0", "10.66.0.5 lladdr 02:42:0a:00:00:05 PERMANENT"));
	FAILS(lnw_neigh_add(h, &n, 0, &err), EEXIST, &err);
	OK(lnw_neigh_add(h, &n, 1, &err), &err); /* replace */
	OK(lnw_neigh_del(h, &n, &err), &err);
	FAILS(lnw_neigh_del(h, &n, &err), ENOENT, &err);

	/* VXLAN FDB: the MAC lives behind remote VTEP 10.66.0.9 */
	f.ifindex = vx.index;
	f.lladdr_len = 6;
	memcpy(f.lladdr, mac, 6);
	f.dst_len = 4;
	inet_pton(AF_INET, "10.66.0.9", f.dst);
	OK(lnw_fdb_add(h, &f, 0, &err), &err);
	CHECK(t_oracle_has(ns, "bridge fdb show dev lnwt-vx", "02:42:0a:00:00:05 dst 10.66.0.9 self permanent"));
	/* the flooding list: all-zero MAC, two remotes appended */
	{
		struct lnw_neigh z = f;

		memset(z.lladdr, 0, 6);
		OK(lnw_fdb_add(h, &z, 1, &err), &err);
		inet_pton(AF_INET, "10.66.0.10", z.dst);
		OK(lnw_fdb_add(h, &z, 1, &err), &err);
		CHECK(t_oracle_has(ns, "bridge fdb show dev lnwt-vx", "00:00:00:00:00:00 dst 10.66.0.10"));
	}
	OK(lnw_fdb_del(h, &f, &err), &err);
	CHECK(t_oracle_lacks(ns, "bridge fdb show dev lnwt-vx", "02:42:0a:00:00:05"));
	{
		struct lnw_neigh bad = f;

		bad.lladdr_len = 0;
		FAILS(lnw_fdb_add(h, &bad, 0, &err), EINVAL, &err);
	}

	lnw_nl_close(h);
	close(ns);
	return t_done("neigh");
}
