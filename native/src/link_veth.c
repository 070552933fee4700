/*
 * link_veth.c - a veth pair in one request, the peer born inside its namespace.
 *
 * Why one request: moving an existing interface into another namespace makes the kernel
 * wait for RCU grace periods (~18 ms). A peer created in place (IFLA_NET_NS_FD inside
 * VETH_INFO_PEER) costs ~0.5 ms for the whole pair, and it appears under its final name
 * ("eth0"), so nothing has to be renamed either.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <net/if.h>

#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>

#include "lnw_internal.h"

#define OP "create veth"

int lnw_link_veth_create(struct lnw_nl *nl, const char *name, struct lnw_nl *peer_nl,
                         const char *peer_name, int master, int mtu, int up,
                         const unsigned char *peer_mac, int peer_mac_len,
                         struct lnw_link *out, struct lnw_link *peer_out, struct lnw_err *err)
{
	struct rtnl_link *l = NULL, *peer;
	struct lnw_nl *pnl = peer_nl ? peer_nl : nl;
	struct lnw_link guest;
	char what[64];
	int rc, host_index, peer_nsfd = -1;

	lnw_err_clear(err);
	if ((rc = lnw_ifname_check(name, "interface name", OP, err)) < 0 ||
	    (rc = lnw_ifname_check(peer_name, "peer name", OP, err)) < 0)
		return rc;
	if (mtu < 0 || master < 0)
		return lnw_err_set(err, EINVAL, OP, "\"%s\": %s %d", name,
				   mtu < 0 ? "mtu" : "master", mtu < 0 ? mtu : master);
	if (peer_mac && (peer_mac_len <= 0 || peer_mac_len > LNW_MAX_ADDR))
		return lnw_err_set(err, EINVAL, OP, "\"%s\": peer address length %d", name,
				   peer_mac_len);
	snprintf(what, sizeof(what), "\"%s\" (peer \"%s\")", name, peer_name);
	if (peer_nl && (peer_nsfd = lnw_nl_ns_fd(peer_nl, err)) < 0)
		return peer_nsfd;

	l = rtnl_link_veth_alloc();
	if (!l) {
		close_quietly(peer_nsfd);
		return lnw_err_set(err, ENOMEM, OP, "%s", what);
	}
	peer = rtnl_link_veth_get_peer(l);
	rtnl_link_set_name(l, name);
	rtnl_link_set_name(peer, peer_name);
	if (peer_nl)
		rtnl_link_set_ns_fd(peer, peer_nsfd);
	if (mtu > 0) {
		rtnl_link_set_mtu(l, (unsigned)mtu);
		rtnl_link_set_mtu(peer, (unsigned)mtu);
	}
	/* One queue each way, asked for: left to the kernel, a veth gets one per possible CPU and
	 * is then cut back to one while registered, which waits for an expedited RCU grace
	 * period per end (netif_set_real_num_tx_queues -> synchronize_net), under RTNL. */
	rtnl_link_set_num_tx_queues(l, 1);
	rtnl_link_set_num_rx_queues(l, 1);
	rtnl_link_set_num_tx_queues(peer, 1);
	rtnl_link_set_num_rx_queues(peer, 1);
	if (master > 0)
		rtnl_link_set_master(l, master);
	if (up)
		rtnl_link_set_flags(l, IFF_UP);
	if (peer_mac && lnw_link_obj_set_mac(peer, peer_mac, peer_mac_len) < 0) {
		rtnl_link_put(peer);
		rtnl_link_put(l);
		close_quietly(peer_nsfd);
		return lnw_err_set(err, ENOMEM, OP, "%s", what);
	}
	rc = lnw_link_create(nl, l, name, nl, out, err, OP, what);
	rtnl_link_put(peer);
	rtnl_link_put(l);
	close_quietly(peer_nsfd);
	if (rc < 0)
		return rc;
	host_index = rc;

	/* The peer is read through the handle of its own namespace; if that fails, deleting
	 * the host end takes the pair away. */
	rc = lnw_link_get_by_name(pnl, peer_name, peer_out ? peer_out : &guest, err);
	if (rc < 0) {
		lnw_link_delete_quietly(nl, host_index);
		return rc;
	}
	return host_index;
}
