/*
 * link_ipvlan.c - ipvlan devices on a parent link, optionally born in another namespace, and
 * 802.1q VLAN devices on a parent. Both are kinds a kernel may lack (CONFIG_IPVLAN,
 * CONFIG_VLAN_8021Q): the kernel then answers EOPNOTSUPP ("Unknown device type").
 */
#define _GNU_SOURCE
#include <errno.h>

#include <netlink/route/link.h>
#include <netlink/route/link/ipvlan.h>
#include <netlink/route/link/vlan.h>

#include "lnw_internal.h"

int lnw_link_ipvlan_create(struct lnw_nl *nl, const char *name, int parent, int mode,
			   struct lnw_nl *target_nl, struct lnw_link *out, struct lnw_err *err)
{
	const char *op = "create ipvlan";
	struct rtnl_link *l;
	int rc;

	lnw_err_clear(err);
	if ((rc = lnw_ifname_check(name, "interface name", op, err)) < 0)
		return rc;
	if (mode < 0 || mode > 2)
		return lnw_err_set(err, EINVAL, op, "\"%s\": mode %d (0 l2, 1 l3, 2 l3s)", name, mode);
	if (!(l = rtnl_link_ipvlan_alloc()))
		return lnw_err_set(err, ENOMEM, op, "\"%s\"", name);
	rtnl_link_ipvlan_set_mode(l, (uint16_t)mode);
	rc = lnw_link_create_on_parent(nl, l, name, parent, target_nl, out, err, op);
	rtnl_link_put(l);
	return rc;
}

int lnw_link_vlan_create(struct lnw_nl *nl, const char *name, int parent, int vlan_id,
			 struct lnw_link *out, struct lnw_err *err)
{
	const char *op = "create vlan";
	struct rtnl_link *l;
	int rc;

	lnw_err_clear(err);
	if ((rc = lnw_ifname_check(name, "interface name", op, err)) < 0)
		return rc;
	if (vlan_id < 1 || vlan_id > 4094)
		return lnw_err_set(err, EINVAL, op, "\"%s\": vlan id %d (1..4094)", name, vlan_id);
	if (!(l = rtnl_link_vlan_alloc()))
		return lnw_err_set(err, ENOMEM, op, "\"%s\"", name);
	rtnl_link_vlan_set_id(l, vlan_id);
	rc = lnw_link_create_on_parent(nl, l, name, parent, NULL, out, err, op);
	rtnl_link_put(l);
	return rc;
}
