/*
 * link_macvlan.c - macvlan devices on a parent link, optionally born in another namespace.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>

#include <netlink/route/link.h>
#include <netlink/route/link/macvlan.h>

#include "lnw_internal.h"

#define OP "create macvlan"

int lnw_link_macvlan_create(struct lnw_nl *nl, const char *name, int parent, int mode,
                            struct lnw_nl *target_nl, struct lnw_link *out, struct lnw_err *err)
{
	struct rtnl_link *l;
	char what[48];
	int rc, target_nsfd = -1;

	lnw_err_clear(err);
	if ((rc = lnw_ifname_check(name, "interface name", OP, err)) < 0)
		return rc;
	if (parent <= 0)
		return lnw_err_set(err, EINVAL, OP, "\"%s\": parent index %d", name, parent);
	if (target_nl && (target_nsfd = lnw_nl_ns_fd(target_nl, err)) < 0)
		return target_nsfd;
	l = rtnl_link_macvlan_alloc();
	if (!l) {
		close_quietly(target_nsfd);
		return lnw_err_set(err, ENOMEM, OP, "\"%s\"", name);
	}
	rtnl_link_set_name(l, name);
	rtnl_link_set_link(l, parent);
	if (mode > 0)
		rtnl_link_macvlan_set_mode(l, (uint32_t)mode);
	/* IFLA_LINK names the parent in nl's namespace; IFLA_NET_NS_FD puts the new device
	 * in the target one at birth, which avoids the slow move. */
	if (target_nl)
		rtnl_link_set_ns_fd(l, target_nsfd);
	snprintf(what, sizeof(what), "\"%s\" on index %d", name, parent);
	rc = lnw_link_create(nl, l, name, target_nl ? target_nl : nl, out, err, OP, what);
	rtnl_link_put(l);
	close_quietly(target_nsfd);
	return rc;
}
