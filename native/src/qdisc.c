/*
 * qdisc.c - root queueing disciplines: a token bucket (tbf) to limit a link's bandwidth, netem
 * to delay its packets. Each is one RTM_NEWQDISC (replace) or RTM_DELQDISC request.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <linux/pkt_sched.h>

#include <netlink/msg.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/qdisc/netem.h>
#include <netlink/route/qdisc/tbf.h>
#include <netlink/route/tc.h>

#include "lnw_internal.h"

static struct rtnl_qdisc *root_qdisc(int index, const char *kind)
{
	struct rtnl_qdisc *q = rtnl_qdisc_alloc();

	if (!q)
		return NULL;
	rtnl_tc_set_ifindex(TC_CAST(q), index);
	rtnl_tc_set_parent(TC_CAST(q), TC_H_ROOT);
	if (kind && rtnl_tc_set_kind(TC_CAST(q), kind) < 0) {
		rtnl_qdisc_put(q);
		return NULL;
	}
	return q;
}

/* Sends q as "replace the root qdisc" (NLM_F_CREATE|NLM_F_REPLACE) and frees it. */
static int replace_root(struct lnw_nl *nl, struct rtnl_qdisc *q, int index, const char *op,
			struct lnw_err *err)
{
	struct nl_msg *msg;
	int rc = rtnl_qdisc_build_add_request(q, NLM_F_CREATE | NLM_F_REPLACE, &msg);

	rtnl_qdisc_put(q);
	if (rc < 0)
		return lnw_nl_fail(err, rc, op, "root qdisc");
	return lnw_nl_transact(nl, msg, NULL, NULL, err, op, "dev index %d", index);
}

int lnw_qdisc_tbf_set(struct lnw_nl *nl, int index, long long rate, int burst, int limit,
		      struct lnw_err *err)
{
	const char *op = "set bandwidth limit";
	struct rtnl_qdisc *q;

	lnw_err_clear(err);
	if (index <= 0)
		return lnw_err_set(err, EINVAL, op, "interface index %d", index);
	/* libnl keeps the rate in an int of bytes per second (the kernel's 64-bit rate
	 * attribute is not reachable through it): 2 GB/s is the most we can ask for. */
	if (rate <= 0 || rate > INT_MAX)
		return lnw_err_set(err, EINVAL, op, "rate %lld bytes/s (1..%d)", rate, INT_MAX);
	if (burst <= 0)
		return lnw_err_set(err, EINVAL, op, "burst %d bytes", burst);
	if (limit <= 0)
		return lnw_err_set(err, EINVAL, op, "limit %d bytes", limit);
	if (!(q = root_qdisc(index, "tbf")))
		return lnw_err_set(err, ENOMEM, op, "dev index %d", index);
	rtnl_qdisc_tbf_set_limit(q, limit);
	rtnl_qdisc_tbf_set_rate(q, (int)rate, burst, 0);
	return replace_root(nl, q, index, op, err);
}

int lnw_qdisc_netem_set(struct lnw_nl *nl, int index, int delay_us, int jitter_us,
			struct lnw_err *err)
{
	const char *op = "set delay";
	struct rtnl_qdisc *q;

	lnw_err_clear(err);
	if (index <= 0)
		return lnw_err_set(err, EINVAL, op, "interface index %d", index);
	if (delay_us < 0 || jitter_us < 0 || jitter_us > delay_us)
		return lnw_err_set(err, EINVAL, op, "delay %d us, jitter %d us", delay_us, jitter_us);
	if (!(q = root_qdisc(index, "netem")))
		return lnw_err_set(err, ENOMEM, op, "dev index %d", index);
	rtnl_netem_set_limit(q, 1000); /* tc's default queue, in packets */
	rtnl_netem_set_delay(q, delay_us);
	if (jitter_us)
		rtnl_netem_set_jitter(q, jitter_us);
	return replace_root(nl, q, index, op, err);
}

int lnw_qdisc_root_del(struct lnw_nl *nl, int index, struct lnw_err *err)
{
	const char *op = "delete root qdisc";
	struct rtnl_qdisc *q;
	struct nl_msg *msg;
	int rc;

	lnw_err_clear(err);
	if (index <= 0)
		return lnw_err_set(err, EINVAL, op, "interface index %d", index);
	if (!(q = root_qdisc(index, NULL)))
		return lnw_err_set(err, ENOMEM, op, "dev index %d", index);
	rc = rtnl_qdisc_build_delete_request(q, &msg);
	rtnl_qdisc_put(q);
	if (rc < 0)
		return lnw_nl_fail(err, rc, op, "root qdisc");
	return lnw_nl_transact(nl, msg, NULL, NULL, err, op, "dev index %d", index);
}
