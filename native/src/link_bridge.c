/*
 * link_bridge.c - Linux bridges.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <net/if.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/route/link.h>
#include <linux/if_link.h>

#include "lnw_internal.h"

#define OP "create bridge"

int lnw_link_bridge_create(struct lnw_nl *nl, const char *name, int mtu, int up,
                           int mcast_snooping, const unsigned char *mac, int mac_len,
                           struct lnw_link *out, struct lnw_err *err)
{
	struct nlattr *info, *data;
	struct rtnl_link *l;
	struct nl_msg *msg;
	char what[32];
	int rc;

	lnw_err_clear(err);
	if ((rc = lnw_ifname_check(name, "bridge name", OP, err)) < 0)
		return rc;
	if (mtu < 0)
		return lnw_err_set(err, EINVAL, OP, "\"%s\": mtu %d", name, mtu);
	if (mac && (mac_len <= 0 || mac_len > LNW_MAX_ADDR))
		return lnw_err_set(err, EINVAL, OP, "\"%s\": address length %d", name, mac_len);
	snprintf(what, sizeof(what), "\"%s\"", name);
	/* libnl 3.7 knows no bridge attributes: the object gives the common part of the request,
	 * IFLA_LINKINFO (kind and IFLA_BR_* data) is appended by hand. */
	l = rtnl_link_alloc();
	if (!l)
		return lnw_err_set(err, ENOMEM, OP, "%s", what);
	rtnl_link_set_name(l, name);
	if (mtu > 0)
		rtnl_link_set_mtu(l, (unsigned)mtu);
	if (up)
		rtnl_link_set_flags(l, IFF_UP);
	if (mac && lnw_link_obj_set_mac(l, mac, mac_len) < 0) {
		rtnl_link_put(l);
		return lnw_err_set(err, ENOMEM, OP, "%s", what);
	}
	rc = rtnl_link_build_add_request(l, NLM_F_CREATE | NLM_F_EXCL | NLM_F_ECHO, &msg);
	rtnl_link_put(l);
	if (rc < 0)
		return lnw_nl_fail(err, rc, OP, what);
	if (!(info = nla_nest_start(msg, IFLA_LINKINFO)) ||
	    nla_put_string(msg, IFLA_INFO_KIND, "bridge") < 0 ||
	    !(data = nla_nest_start(msg, IFLA_INFO_DATA)) ||
	    nla_put_u8(msg, IFLA_BR_MCAST_SNOOPING, mcast_snooping ? 1 : 0) < 0) {
		nlmsg_free(msg);
		return lnw_err_set(err, ENOMEM, OP, "%s", what);
	}
	nla_nest_end(msg, data);
	nla_nest_end(msg, info);
	return lnw_link_create_msg(nl, msg, name, 0, nl, out, err, OP, what);
}
