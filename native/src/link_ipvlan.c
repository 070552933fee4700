/*
 * link_ipvlan.c - ipvlan devices on a parent link, optionally born in another namespace, and
 * 802.1q VLAN devices on a parent. Both are kinds a kernel may lack (CONFIG_IPVLAN,
 * CONFIG_VLAN_8021Q): the kernel then answers EOPNOTSUPP ("Unknown device type").
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>

#include <netlink/route/link.h>
#include <netlink/route/link/ipvlan.h>
#include <netlink/route/link/vlan.h>

#include "lnw_internal.h"

int lnw_link_ipvlan_create(struct lnw_nl *nl, const char *name, int parent, int mode,
			   struct lnw_nl *target_nl, struct lnw_link *out, struct lnw_err *err)
{
	const char *op = "create ipvlan";
	struct rtnl_link *l;
	char what[48];
	int rc, target_nsfd = -1;

	lnw_err_clear(err);
	if ((rc = lnw_ifname_check(name, "interface name", op, err)) < 0)
		return rc;
	if (parent <= 0)
		return lnw_err_set(err, EINVAL, op, "\"%s\": parent index %d", name, parent);
	if (mode < 0 || mode > 2)
		return lnw_err_set(err, EINVAL, op, "\"%s\": mode %d (0 l2, 1 l3, 2 l3s)", name, mode);
	if (target_nl && (target_nsfd = lnw_nl_ns_fd(target_nl, err)) < 0)
		return target_nsfd;
	l = rtnl_link_ipvlan_alloc();
	if (!l) {
		close_quietly(target_nsfd);
		return lnw_err_set(err, ENOMEM, op, "\"%s\"", name);
	}
	rtnl_link_set_name(l, name);
	rtnl_link_set_link(l, parent);
	rtnl_link_ipvlan_set_mode(l, (uint16_t)mode);
	if (target_nl)
		rtnl_link_set_ns_fd(l, target_nsfd);
	snprintf(what, sizeof(what), "\"%s\" on index %d", name, parent);
	rc = lnw_link_create(nl, l, name, target_nl ? target_nl : nl, out, err, op, what);
	rtnl_link_put(l);
	close_quietly(target_nsfd);
	return rc;
}

int lnw_link_vlan_create(struct lnw_nl *nl, const char *name, int parent, int vlan_id,
			 struct lnw_link *out, struct lnw_err *err)
{
	const char *op = "create vlan";
	struct rtnl_link *l;
	char what[48];
	int rc;

	lnw_err_clear(err);
	if ((rc = lnw_ifname_check(name, "interface name", op, err)) < 0)
		return rc;
	if (parent <= 0)
		return lnw_err_set(err, EINVAL, op, "\"%s\": parent index %d", name, parent);
	if (vlan_id < 1 || vlan_id > 4094)
		return lnw_err_set(err, EINVAL, op, "\"%s\": vlan id %d (1..4094)", name, vlan_id);
	l = rtnl_link_vlan_alloc();
	if (!l)
		return lnw_err_set(err, ENOMEM, op, "\"%s\"", name);
	rtnl_link_set_name(l, name);
	rtnl_link_set_link(l, parent);
	rtnl_link_vlan_set_id(l, vlan_id);
	snprintf(what, sizeof(what), "\"%s\" id %d on index %d", name, vlan_id, parent);
	rc = lnw_link_create(nl, l, name, nl, out, err, op, what);
	rtnl_link_put(l);
	return rc;
}
