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

	/* the dump of one device: what recovery compares with the directory */
	{
		struct lnw_neigh z = f, v6 = { 0 }, other = n, got;
		struct lnw_list *l;
		int v4 = 0, six = 0, flood = 0, with_mac = 0, master = 0;

		OK(lnw_fdb_add(h, &f, 0, &err), &err);
		memset(z.lladdr, 0, 6);
		inet_pton(AF_INET, "10.66.0.11", z.dst); /* a third remote on the list from above */
		OK(lnw_fdb_add(h, &z, 1, &err), &err);
		n.ifindex = vx.index;
		OK(lnw_neigh_add(h, &n, 0, &err), &err);
		v6.ifindex = vx.index;
		v6.dst_len = 16;
		inet_pton(AF_INET6, "fd00::5", v6.dst);
		v6.lladdr_len = 6;
		memcpy(v6.lladdr, mac, 6);
		OK(lnw_neigh_add(h, &v6, 0, &err), &err);
		other.ifindex = host.index; /* on another link: not in the device's dump */
		inet_pton(AF_INET, "10.66.0.6", other.dst);
		OK(lnw_neigh_add(h, &other, 0, &err), &err);
		/* enslaved, the device also shows its bridge's entries (NTF_MASTER), not its own */
		OK(lnw_link_set_master(h, vx.index, br.index, &err), &err);
		CHECK(t_oracle_has(ns, "bridge fdb show dev lnwt-vx", "master lnwt-br0"));

		l = lnw_neigh_list(h, AF_UNSPEC, vx.index, &err);
		CHECK(l != NULL);
		CHECK(lnw_list_count(l) == 2);
		for (int i = 0; i < lnw_list_count(l); i++) {
			OK(lnw_neigh_list_get(l, i, &got), &err);
			CHECK(got.ifindex == vx.index && got.state == NUD_PERMANENT && got.lladdr_len == 6 &&
			      !memcmp(got.lladdr, mac, 6));
			v4 += got.family == AF_INET && got.dst_len == 4 && !memcmp(got.dst, n.dst, 4);
			six += got.family == AF_INET6 && got.dst_len == 16 && !memcmp(got.dst, v6.dst, 16);
		}
		CHECK(v4 == 1 && six == 1);
		CHECK(lnw_neigh_list_get(l, 2, &got) == -EINVAL);
		lnw_list_free(l);

		/* every link: both permanent entries, beside what the kernel makes itself (an IGMP
		 * group's NOARP entry on the bridge, once it sent a report) */
		l = lnw_neigh_list(h, AF_INET, 0, &err);
		CHECK(l != NULL);
		v4 = 0;
		for (int i = 0; i < lnw_list_count(l); i++) {
			OK(lnw_neigh_list_get(l, i, &got), &err);
			CHECK(got.family == AF_INET);
			v4 += got.state == NUD_PERMANENT;
		}
		CHECK(v4 == 2);
		lnw_list_free(l);

		l = lnw_neigh_list(h, AF_BRIDGE, vx.index, &err);
		CHECK(l != NULL);
		CHECK(lnw_list_count(l) == 4); /* the MAC, and the flooding list's three remotes */
		for (int i = 0; i < lnw_list_count(l); i++) {
			static const unsigned char zero[6];

			OK(lnw_neigh_list_get(l, i, &got), &err);
			master += (got.flags & NTF_MASTER) != 0;
			CHECK(got.family == AF_BRIDGE && (got.flags & NTF_SELF) && got.dst_len == 4);
			CHECK(got.state & (NUD_PERMANENT | NUD_NOARP));
			if (!memcmp(got.lladdr, zero, 6))
				flood++;
			else if (!memcmp(got.lladdr, mac, 6) && !memcmp(got.dst, f.dst, 4))
				with_mac++;
		}
		CHECK(flood == 3 && with_mac == 1 && master == 0);
		lnw_list_free(l);

		CHECK(lnw_neigh_list(h, AF_PACKET, vx.index, &err) == NULL && err.code == EAFNOSUPPORT);
		CHECK(lnw_neigh_list(h, AF_INET, -1, &err) == NULL && err.code == EINVAL);
		l = lnw_neigh_list(h, AF_UNSPEC, 999999, &err); /* no such link: nothing, as ip says */
		CHECK(l != NULL && lnw_list_count(l) == 0);
		lnw_list_free(l);
	}

	lnw_nl_close(h);
	close(ns);
	return t_done("neigh");
}
