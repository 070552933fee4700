/*
 * link_bridge.c - Linux bridges.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <net/if.h>

#include <netlink/route/link.h>

#include "lnw_internal.h"

#define OP "create bridge"

int lnw_link_bridge_create(struct lnw_nl *nl, const char *name, int mtu, int up,
                           struct lnw_link *out, struct lnw_err *err)
{
	struct rtnl_link *l;
	char what[32];
	int rc;

	lnw_err_clear(err);
	if ((rc = lnw_ifname_check(name, "bridge name", OP, err)) < 0)
		return rc;
	if (mtu < 0)
		return lnw_err_set(err, EINVAL, OP, "\"%s\": mtu %d", name, mtu);
	l = rtnl_link_alloc();
	if (!l || rtnl_link_set_type(l, "bridge") < 0) {
		rtnl_link_put(l);
		return lnw_err_set(err, ENOMEM, OP, "\"%s\"", name);
	}
	rtnl_link_set_name(l, name);
	if (mtu > 0)
		rtnl_link_set_mtu(l, (unsigned)mtu);
	if (up)
		rtnl_link_set_flags(l, IFF_UP);
	snprintf(what, sizeof(what), "\"%s\"", name);
	rc = lnw_link_create(nl, l, name, nl, out, err, OP, what);
	rtnl_link_put(l);
	return rc;
}
