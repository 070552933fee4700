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
                            const unsigned char *mac, int mac_len, struct lnw_nl *target_nl,
                            struct lnw_link *out, struct lnw_err *err)
{
	struct rtnl_link *l;
	int rc;

	lnw_err_clear(err);
	if ((rc = lnw_ifname_check(name, "interface name", OP, err)) < 0)
		return rc;
	if (mac_len < 0 || mac_len > LNW_MAX_ADDR || (mac_len && !mac))
		return lnw_err_set(err, EINVAL, OP, "\"%s\": address length %d", name, mac_len);
	if (!(l = rtnl_link_macvlan_alloc()))
		return lnw_err_set(err, ENOMEM, OP, "\"%s\"", name);
	if (mode > 0)
		rtnl_link_macvlan_set_mode(l, (uint32_t)mode);
	/* in the create request: a second request per attach otherwise */
	if (mac_len && lnw_link_obj_set_mac(l, mac, mac_len) < 0) {
		rtnl_link_put(l);
		return lnw_err_set(err, ENOMEM, OP, "\"%s\"", name);
	}
	rc = lnw_link_create_on_parent(nl, l, name, parent, target_nl, out, err, OP);
	rtnl_link_put(l);
	return rc;
}
