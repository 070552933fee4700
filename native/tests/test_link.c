/* Links: veth pairs created straight into another namespace, bridges, every setter, groups,
 * macvlan and vxlan, and the errors the kernel gives for each kind of mistake. */
#include <net/if.h>
#include <linux/if_link.h>

#include "t.h"

int main(void)
{
	struct lnw_err err;
	struct lnw_link br, host, peer, l, again;
	unsigned char mac[6] = { 0x02, 0x42, 0xac, 0x11, 0x00, 0x02 };
	unsigned char mac2[6] = { 0x02, 0x42, 0xac, 0x11, 0x00, 0x09 };
	int hostns = t_netns(), ctns = t_netns();
	struct lnw_nl *h = lnw_nl_open_at(hostns, &err), *c = lnw_nl_open_at(ctns, &err);
	struct lnw_list *list;
	int n, found;

	CHECK(h && c);
	if (!h || !c)
		return t_done("link");

	OK(lnw_link_bridge_create(h, "lnwt-br0", 1400, 1, 1, NULL, 0, &br, &err), &err);
	CHECK(br.index > 0 && !strcmp(br.kind, "bridge") && br.mtu == 1400 && (br.flags & IFF_UP));
	CHECK(t_oracle_has(hostns, "ip -d link show dev lnwt-br0", "mcast_snooping 1"));
	{
		struct lnw_link quiet;

		OK(lnw_link_bridge_create(h, "lnwt-br1", 0, 0, 0, NULL, 0, &quiet, &err), &err);
		CHECK(t_oracle_has(hostns, "ip -d link show dev lnwt-br1", "mcast_snooping 0"));
		OK(lnw_link_delete(h, quiet.index, &err), &err);
	}
	{
		/* an address given keeps it when a port with a lower one comes (left to the kernel,
		 * the bridge would take 02:00:00:00:00:01 from the port) */
		unsigned char brmac[6] = { 0x02, 0x5e, 0x00, 0x00, 0x00, 0x07 };
		unsigned char low[6] = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
		struct lnw_link fixed, p1, p2;

		OK(lnw_link_bridge_create(h, "lnwt-br2", 0, 1, 0, brmac, 6, &fixed, &err), &err);
		CHECK(fixed.mac_len == 6 && !memcmp(fixed.mac, brmac, 6));
		OK(lnw_link_veth_create(h, "lnwt-v9", c, "eth9", fixed.index, 0, 1, NULL, 0, &p1, &p2,
					&err), &err);
		OK(lnw_link_set_mac(h, p1.index, low, 6, &err), &err);
		CHECK(t_oracle_has(hostns, "ip -o link show lnwt-br2", "link/ether 02:5e:00:00:00:07"));
		OK(lnw_link_delete(h, p1.index, &err), &err);
		OK(lnw_link_delete(h, fixed.index, &err), &err);
		FAILS(lnw_link_bridge_create(h, "lnwt-br3", 0, 0, 0, brmac, 0, &fixed, &err), EINVAL,
		      &err);
		FAILS(lnw_link_get_by_name(h, "lnwt-br3", &l, &err), ENODEV, &err);
	}

	/* one request: host end on the bridge and up, peer born in the container as eth0 */
	OK(lnw_link_veth_create(h, "lnwt-v0", c, "eth0", br.index, 1400, 1, mac, 6, &host, &peer,
				&err), &err);
	CHECK(host.master == br.index && (host.flags & IFF_UP) && host.mtu == 1400);
	CHECK(!strcmp(peer.name, "eth0") && peer.mac_len == 6 && !memcmp(peer.mac, mac, 6));
	CHECK(!strcmp(host.kind, "veth") && host.link_netnsid >= 0);
	CHECK(t_oracle_has(hostns, "ip -o link show lnwt-v0", "master lnwt-br0"));
	CHECK(t_oracle_has(ctns, "ip -o link show eth0", "02:42:ac:11:00:02"));

	/* lookups */
	OK(lnw_link_get_by_index(c, peer.index, &l, &err), &err);
	CHECK(!strcmp(l.name, "eth0"));
	FAILS(lnw_link_get_by_name(h, "lnwt-nothere", &l, &err), ENODEV, &err);
	FAILS(lnw_link_get_by_name(h, "eth0", &l, &err), ENODEV, &err); /* it is not in the host */
	FAILS(lnw_link_get_by_index(h, 99999, &l, &err), ENODEV, &err);
	FAILS(lnw_link_get_by_name(h, "0123456789abcdef", &l, &err), EINVAL, &err);
	CHECK(strstr(err.msg, "at most 15") != NULL);

	/* a duplicate is EEXIST, with the kernel's own words, and leaves nothing behind */
	FAILS(lnw_link_veth_create(h, "lnwt-v0", c, "eth1", 0, 0, 0, NULL, 0, NULL, NULL, &err),
	      EEXIST, &err);
	FAILS(lnw_link_veth_create(h, "lnwt-v1", c, "eth0", 0, 0, 0, NULL, 0, NULL, NULL, &err),
	      EEXIST, &err);
	FAILS(lnw_link_get_by_name(h, "lnwt-v1", &l, &err), ENODEV, &err);
	FAILS(lnw_link_veth_create(h, "lnwt-v2", c, "0123456789abcdef", 0, 0, 0, NULL, 0, NULL,
				   NULL, &err), EINVAL, &err);
	FAILS(lnw_link_veth_create(h, "lnwt-v2", c, "eth2", 999999, 0, 1, NULL, 0, NULL, NULL,
				   &err), EINVAL, &err); /* an unknown master */
	FAILS(lnw_link_get_by_name(h, "lnwt-v2", &l, &err), ENODEV, &err);

	/* rollback: the pair is made, then reading the peer back fails: nothing may remain */
	OK(lnw_nl_fail_request(c, 1, EIO, &err), &err);
	FAILS(lnw_link_veth_create(h, "lnwt-rb", c, "eth5", br.index, 0, 1, NULL, 0, NULL, NULL,
				   &err), EIO, &err);
	CHECK(strstr(err.msg, "[injected]") != NULL);
	CHECK(t_oracle_lacks(hostns, "ip -o link show", "lnwt-rb"));
	CHECK(t_oracle_lacks(ctns, "ip -o link show", "eth5"));

	/* setters */
	OK(lnw_link_set_up(c, peer.index, &err), &err);
	OK(lnw_link_set_mtu(c, peer.index, 1300, &err), &err);
	OK(lnw_link_set_mac(c, peer.index, mac2, 6, &err), &err);
	OK(lnw_link_get_by_index(c, peer.index, &l, &err), &err);
	CHECK((l.flags & IFF_UP) && l.mtu == 1300 && !memcmp(l.mac, mac2, 6));
	OK(lnw_link_set_down(c, peer.index, &err), &err);
	OK(lnw_link_set_name(c, peer.index, "lnwt-renamed", &err), &err);
	CHECK(t_oracle_has(ctns, "ip -o link show", "lnwt-renamed"));
	FAILS(lnw_link_set_name(c, peer.index, "bad name", &err), EINVAL, &err);
	OK(lnw_link_set_master(h, host.index, 0, &err), &err);
	OK(lnw_link_get_by_index(h, host.index, &l, &err), &err);
	CHECK(l.master == 0);
	OK(lnw_link_set_master(h, host.index, br.index, &err), &err);
	OK(lnw_link_set_hairpin(h, host.index, 1, &err), &err);
	OK(lnw_link_set_addr_gen_mode(h, host.index, 1 /* none */, &err), &err);
	CHECK(t_oracle_has(hostns, "ip -d link show dev lnwt-v0", "addrgenmode none"));
	CHECK(t_oracle_has(hostns, "bridge -d link show dev lnwt-v0", "hairpin on"));
	CHECK(t_oracle_has(hostns, "bridge -d link show dev lnwt-v0", "isolated off"));
	OK(lnw_link_set_isolated(h, host.index, 1, &err), &err);
	CHECK(t_oracle_has(hostns, "bridge -d link show dev lnwt-v0", "isolated on"));
	CHECK(t_oracle_has(hostns, "bridge -d link show dev lnwt-v0", "hairpin on"));
	OK(lnw_link_set_isolated(h, host.index, 0, &err), &err);
	CHECK(t_oracle_has(hostns, "bridge -d link show dev lnwt-v0", "isolated off"));
	FAILS(lnw_link_set_isolated(h, 0, 1, &err), EINVAL, &err);
	FAILS(lnw_link_set_mtu(h, 99999, 1500, &err), ENODEV, &err);
	/* alias and addrgenmode in one request; NULL / -1 leave either as it is */
	OK(lnw_link_set_addr_gen_mode(h, host.index, 0 /* eui64 */, &err), &err);
	OK(lnw_link_configure(h, host.index, -1, "lnwt owner=1", 1 /* none */, -1, &err), &err);
	CHECK(t_oracle_has(hostns, "ip -d link show dev lnwt-v0", "addrgenmode none"));
	CHECK(t_oracle_has(hostns, "ip -d link show dev lnwt-v0", "alias lnwt owner=1"));
	OK(lnw_link_configure(h, host.index, -1, NULL, -1, -1, &err), &err);
	CHECK(t_oracle_has(hostns, "ip -d link show dev lnwt-v0", "alias lnwt owner=1"));
	CHECK(t_oracle_has(hostns, "ip link show dev lnwt-v0", ",UP"));
	OK(lnw_link_configure(h, host.index, 0, "lnwt gone", -1, -1, &err), &err);
	CHECK(t_oracle_lacks(hostns, "ip link show dev lnwt-v0", ",UP"));
	CHECK(t_oracle_has(hostns, "ip -d link show dev lnwt-v0", "alias lnwt gone"));
	OK(lnw_link_configure(h, host.index, 1, "lnwt owner=1", -1, -1, &err), &err);
	/* the group with the rest, in the same request */
	OK(lnw_link_configure(h, host.index, -1, "lnwt left", -1, 4242, &err), &err);
	CHECK(t_oracle_has(hostns, "ip -d link show dev lnwt-v0", "group 4242"));
	CHECK(t_oracle_has(hostns, "ip -d link show dev lnwt-v0", "alias lnwt left"));
	OK(lnw_link_configure(h, host.index, -1, "lnwt owner=1", -1, 0, &err), &err);
	CHECK(t_oracle_lacks(hostns, "ip -d link show dev lnwt-v0", "group 4242"));
	{
		char longer[LNW_IFALIASZ + 1];

		memset(longer, 'a', sizeof(longer) - 1);
		longer[sizeof(longer) - 1] = 0;
		FAILS(lnw_link_configure(h, host.index, -1, longer, -1, -1, &err), EINVAL, &err);
		FAILS(lnw_link_configure(h, host.index, -1, NULL, 256, -1, &err), EINVAL, &err);
		FAILS(lnw_link_configure(h, host.index, 2, NULL, -1, -1, &err), EINVAL, &err);
		FAILS(lnw_link_configure(h, host.index, -1, NULL, -1, -2, &err), EINVAL, &err);
		FAILS(lnw_link_configure(h, 99999, -1, "x", -1, -1, &err), ENODEV, &err);
	}

	/* list */
	list = lnw_link_list(h, &err);
	CHECK(list != NULL);
	n = lnw_list_count(list);
	found = 0;
	for (int i = 0; i < n; i++) {
		OK(lnw_link_list_get(list, i, &l) == 0 ? 0 : -1, &err);
		found += !strcmp(l.name, "lnwt-v0") || !strcmp(l.name, "lnwt-br0") || !strcmp(l.name, "lo");
		if (!strcmp(l.name, "lnwt-v0")) {
			char alias[LNW_IFALIASZ];

			CHECK(lnw_link_list_get_alias(list, i, alias, sizeof(alias)) == 12);
			CHECK(!strcmp(alias, "lnwt owner=1"));
		} else if (!strcmp(l.name, "lo")) {
			char alias[8] = "x";

			CHECK(lnw_link_list_get_alias(list, i, alias, sizeof(alias)) == 0 && !alias[0]);
		}
	}
	CHECK(n == 3 && found == 3);
	lnw_list_free(list);
	/* the bridge's ports only: the kernel leaves out lo and the bridge itself */
	list = lnw_link_list_ports(h, br.index, &err);
	CHECK(list != NULL && lnw_list_count(list) == 1);
	OK(lnw_link_list_get(list, 0, &l) == 0 ? 0 : -1, &err);
	CHECK(!strcmp(l.name, "lnwt-v0") && l.master == br.index);
	lnw_list_free(list);
	list = lnw_link_list_ports(h, 99999, &err);
	CHECK(list != NULL && lnw_list_count(list) == 0);
	lnw_list_free(list);
	CHECK(lnw_link_list_ports(h, 0, &err) == NULL && err.code == EINVAL);
	{
		char alias[LNW_IFALIASZ];

		CHECK(lnw_link_get_alias(h, host.index, alias, sizeof(alias), &err) == 12);
		CHECK(!strcmp(alias, "lnwt owner=1"));
		CHECK(lnw_link_get_alias(h, br.index, alias, sizeof(alias), &err) == 0 && !alias[0]);
		FAILS(lnw_link_get_alias(h, 99999, alias, sizeof(alias), &err), ENODEV, &err);
	}
	/* as the bridges report their ports: the same port, its peer's index, no alias */
	list = lnw_link_list_bridge_ports(h, &err);
	CHECK(list != NULL && lnw_list_count(list) == 1);
	OK(lnw_link_list_get(list, 0, &l) == 0 ? 0 : -1, &err);
	CHECK(!strcmp(l.name, "lnwt-v0") && l.master == br.index && l.index == host.index);
	CHECK(l.link == peer.index && l.link_netnsid == -1);
	lnw_list_free(list);

	/* groups: three pairs in group 7 go away in one request */
	for (int i = 0; i < 3; i++) {
		char name[16], pname[16];

		snprintf(name, sizeof(name), "lnwt-g%d", i);
		snprintf(pname, sizeof(pname), "eth%d", 10 + i);
		OK(lnw_link_veth_create(h, name, c, pname, 0, 0, 0, NULL, 0, &l, NULL, &err), &err);
		OK(lnw_link_set_group(h, l.index, 7, &err), &err);
	}
	CHECK(t_oracle_has(hostns, "ip -o link show group 7", "lnwt-g2"));
	OK(lnw_link_delete_group(h, 7, &err), &err);
	FAILS(lnw_link_get_by_name(h, "lnwt-g0", &l, &err), ENODEV, &err);
	FAILS(lnw_link_get_by_name(c, "eth12", &l, &err), ENODEV, &err);
	FAILS(lnw_link_delete_group(h, 0, &err), EINVAL, &err);

	/* moving a link (the slow path, still supported) */
	OK(lnw_link_veth_create(h, "lnwt-mv", h, "lnwt-mvp", 0, 0, 0, NULL, 0, NULL, &l, &err), &err);
	OK(lnw_link_set_netns(h, l.index, ctns, &err), &err);
	OK(lnw_link_get_by_name(c, "lnwt-mvp", &again, &err), &err);
	FAILS(lnw_link_get_by_name(h, "lnwt-mvp", &l, &err), ENODEV, &err);
	/* and back, renamed on the way: in one request, and the old name never shows there */
	OK(lnw_link_move(c, again.index, hostns, "lnwt-back", &err), &err);
	OK(lnw_link_get_by_name(h, "lnwt-back", &l, &err), &err);
	FAILS(lnw_link_get_by_name(c, "lnwt-mvp", &again, &err), ENODEV, &err);
	/* a new name taken in the target: the kernel has moved it already when the rename fails */
	FAILS(lnw_link_move(h, l.index, ctns, "lo", &err), EEXIST, &err);
	OK(lnw_link_get_by_name(c, "lnwt-back", &again, &err), &err);
	FAILS(lnw_link_move(c, again.index, hostns, "bad name", &err), EINVAL, &err);

	/* macvlan on the bridge, born in the container; vxlan in the host */
	{
		unsigned char mac[6] = { 0x02, 0x42, 0x0a, 0x4d, 0x00, 0x63 };

		OK(lnw_link_macvlan_create(h, "lnwt-mac", br.index, 4 /* bridge */, mac, 6, c, &l, &err), &err);
		CHECK(l.mac_len == 6 && !memcmp(l.mac, mac, 6));
		FAILS(lnw_link_macvlan_create(h, "lnwt-mac2", br.index, 4, mac, 99, c, &l, &err), EINVAL, &err);
	}
	CHECK(t_oracle_has(ctns, "ip -o link show lnwt-mac", "02:42:0a:4d:00:63"));
	CHECK(!strcmp(l.kind, "macvlan"));
	CHECK(t_oracle_has(ctns, "ip -d -o link show lnwt-mac", "macvlan mode bridge"));
	/* ipvlan and vlan: made where the kernel has them, else its EOPNOTSUPP, and nothing made */
	{
		int rc = lnw_link_ipvlan_create(h, "lnwt-ipv", br.index, 1 /* l3 */, c, &l, &err);

		if (rc >= 0)
			CHECK(t_oracle_has(ctns, "ip -d -o link show lnwt-ipv", "ipvlan  mode l3"));
		else
			CHECK(rc == -EOPNOTSUPP && t_oracle_lacks(ctns, "ip -o link show", "lnwt-ipv"));
		rc = lnw_link_vlan_create(h, "lnwt-br0.10", br.index, 10, &l, &err);
		if (rc >= 0)
			CHECK(t_oracle_has(hostns, "ip -d -o link show lnwt-br0.10", "vlan protocol 802.1Q id 10"));
		else
			CHECK(rc == -EOPNOTSUPP && t_oracle_lacks(hostns, "ip -o link show", "lnwt-br0.10"));
		FAILS(lnw_link_ipvlan_create(h, "lnwt-ipv2", br.index, 7, c, &l, &err), EINVAL, &err);
		FAILS(lnw_link_ipvlan_create(h, "lnwt-ipv2", 0, 0, c, &l, &err), EINVAL, &err);
		FAILS(lnw_link_vlan_create(h, "lnwt-v4095", br.index, 4095, &l, &err), EINVAL, &err);
		CHECK(strstr(err.msg, "vlan id") != NULL);
	}
	{
		unsigned char local[4] = { 10, 99, 0, 1 };

		OK(lnw_link_vxlan_create(h, "lnwt-vx", 42, local, 4, 0, 0, 0, 0, 1450, &l, &err), &err);
		CHECK(!strcmp(l.kind, "vxlan") && l.mtu == 1450);
		CHECK(t_oracle_has(hostns, "ip -d -o link show lnwt-vx", "vxlan id 42 local 10.99.0.1"));
		CHECK(t_oracle_has(hostns, "ip -d -o link show lnwt-vx", "dstport 4789"));
		CHECK(t_oracle_has(hostns, "ip -d -o link show lnwt-vx", "nolearning"));
		CHECK(t_oracle_lacks(hostns, "ip -d -o link show lnwt-vx", " proxy "));
		/* proxy: the device answers ARP from its neighbour table (the overlay driver's) */
		OK(lnw_link_vxlan_create(h, "lnwt-vxp", 43, local, 4, 0, 0, 0, 1, 0, &l, &err), &err);
		CHECK(t_oracle_has(hostns, "ip -d -o link show lnwt-vxp", "vxlan id 43"));
		CHECK(t_oracle_has(hostns, "ip -d -o link show lnwt-vxp", " proxy "));
		FAILS(lnw_link_vxlan_create(h, "lnwt-vx2", 0, NULL, 0, 0, 0, 0, 0, 0, &l, &err), EINVAL, &err);
	}

	/* delete: one end takes the pair; deleting again is ENODEV (callers make it idempotent) */
	OK(lnw_link_delete(h, host.index, &err), &err);
	FAILS(lnw_link_get_by_name(c, "lnwt-renamed", &l, &err), ENODEV, &err);
	FAILS(lnw_link_delete(h, host.index, &err), ENODEV, &err);

	lnw_nl_close(h);
	lnw_nl_close(c);
	close(hostns);
	close(ctns);
	return t_done("link");
}
