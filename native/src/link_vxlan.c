/*
 * link_vxlan.c - VXLAN devices (the overlay driver's tunnel endpoints).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>

#include <netlink/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/vxlan.h>

#include "lnw_internal.h"

#define OP "create vxlan"
#define VXLAN_IANA_PORT 4789

int lnw_link_vxlan_create(struct lnw_nl *nl, const char *name, int vni,
                          const unsigned char *local, int local_len, int parent, int port,
                          int learning, int proxy, int mtu, struct lnw_link *out,
                          struct lnw_err *err)
{
	struct rtnl_link *l;
	char what[48];
	int rc;

	lnw_err_clear(err);
	if ((rc = lnw_ifname_check(name, "interface name", OP, err)) < 0)
		return rc;
	if (vni <= 0 || vni > 0xffffff)
		return lnw_err_set(err, EINVAL, OP, "\"%s\": vni %d is not in 1..16777215", name, vni);
	if (port < 0 || port > 65535)
		return lnw_err_set(err, EINVAL, OP, "\"%s\": port %d", name, port);
	if (local && local_len != 4 && local_len != 16)
		return lnw_err_set(err, EINVAL, OP, "\"%s\": local address length %d", name,
				   local_len);
	l = rtnl_link_vxlan_alloc();
	if (!l)
		return lnw_err_set(err, ENOMEM, OP, "\"%s\"", name);
	rtnl_link_set_name(l, name);
	rtnl_link_vxlan_set_id(l, (uint32_t)vni);
	/* without an explicit port the kernel uses Linux's historic 8472, not IANA's 4789 */
	rtnl_link_vxlan_set_port(l, (uint32_t)(port ? port : VXLAN_IANA_PORT));
	rtnl_link_vxlan_set_learning(l, learning ? 1 : 0);
	if (proxy)
		rtnl_link_vxlan_set_proxy(l, 1);
	if (parent > 0)
		rtnl_link_vxlan_set_link(l, (uint32_t)parent);
	if (mtu > 0)
		rtnl_link_set_mtu(l, (unsigned)mtu);
	if (local) {
		struct nl_addr *a = nl_addr_build(local_len == 4 ? AF_INET : AF_INET6, local,
						  (size_t)local_len);

		if (!a) {
			rtnl_link_put(l);
			return lnw_err_set(err, ENOMEM, OP, "\"%s\"", name);
		}
		rtnl_link_vxlan_set_local(l, a);
		nl_addr_put(a);
	}
	snprintf(what, sizeof(what), "\"%s\" vni %d", name, vni);
	rc = lnw_link_create(nl, l, name, nl, out, err, OP, what);
	rtnl_link_put(l);
	return rc;
}
