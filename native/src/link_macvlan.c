/*
 * link_macvlan.c - macvlan devices on a parent link, optionally born in another namespace.
 */
#define _GNU_SOURCE
#include <errno.h>

#include <netlink/route/link.h>
#include <netlink/route/link/macvlan.h>

#include "lnw_internal.h"

#define OP "create macvlan"

int lnw_link_macvlan_create(struct lnw_nl *nl, const char *name, int parent, int mode,
                            struct lnw_nl *target_nl, struct lnw_link *out, struct lnw_err *err)
{
	struct rtnl_link *l;
	int rc;

	lnw_err_clear(err);
	if ((rc = lnw_ifname_check(name, "interface name", OP, err)) < 0)
		return rc;
	if (!(l = rtnl_link_macvlan_alloc()))
		return lnw_err_set(err, ENOMEM, OP, "\"%s\"", name);
	if (mode > 0)
		rtnl_link_macvlan_set_mode(l, (uint32_t)mode);
	rc = lnw_link_create_on_parent(nl, l, name, parent, target_nl, out, err, OP);
	rtnl_link_put(l);
	return rc;
}
