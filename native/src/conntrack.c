/*
 * conntrack.c - forgetting the connections of an address that is gone, or of a port.
 *
 * A connection to a published port is tracked with its DNAT; when the endpoint behind it goes,
 * the entry would keep steering that flow (UDP especially, whose entries are refreshed by every
 * packet) to the old address. libnl-nf dumps the table; matching entries are deleted one by
 * one, through a socket made inside the namespace once (see lnw_ct_open in lnw.h).
 *
 * A dump walks every bucket of the kernel's connection hash table, which all namespaces share
 * (262144 buckets here: 3.5 ms when idle, up to 9 ms while dying namespaces are cleaned up).
 * So the namespace's own entry count is asked first (one message): with nothing tracked there
 * is nothing to flush and no walk.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <netlink/addr.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/cache.h>
#include <netlink/netfilter/ct.h>
#include <netlink/netfilter/nfnl.h>
#include <netlink/socket.h>

#include "lnw_internal.h"

#define OP "flush conntrack"

struct flush_job {
	/* which entries go: an address's, or a port's */
	int (*match)(struct nfnl_ct *e, const struct flush_job *job);
	const unsigned char *addr;
	int len;
	int proto;
	int port;
	int deleted;
	char what[INET6_ADDRSTRLEN + 16];
};

static int same(struct nl_addr *a, const struct flush_job *job)
{
	return a && (int)nl_addr_get_len(a) == job->len &&
	       memcmp(nl_addr_get_binary_addr(a), job->addr, (size_t)job->len) == 0;
}

/* original destination: direct connections; reply source: DNAT'd ones */
static int of_addr(struct nfnl_ct *e, const struct flush_job *job)
{
	return same(nfnl_ct_get_dst(e, 0), job) || same(nfnl_ct_get_src(e, 1), job);
}

/* sent to the port, whatever became of it (DNAT'd or not) */
static int to_port(struct nfnl_ct *e, const struct flush_job *job)
{
	return nfnl_ct_get_proto(e) == job->proto && nfnl_ct_test_dst_port(e, 0) &&
	       nfnl_ct_get_dst_port(e, 0) == job->port;
}

static int take_count(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[CTA_STATS_GLOBAL_MAX + 1];

	if (nlmsg_parse(nlmsg_hdr(msg), sizeof(struct nfgenmsg), tb, CTA_STATS_GLOBAL_MAX, NULL) == 0 &&
	    tb[CTA_STATS_GLOBAL_ENTRIES])
		*(long *)arg = (long)ntohl(nla_get_u32(tb[CTA_STATS_GLOBAL_ENTRIES]));
	/* the kernel flags its one-message answer NLM_F_MULTI but sends no NLMSG_DONE */
	return NL_STOP;
}

/* The number of connections tracked in the socket's namespace, or -1 if the kernel does
 * not say (IPCTNL_MSG_CT_GET_STATS is from Linux 3.19): then the caller dumps anyway. */
static long tracked(struct nl_sock *sk)
{
	struct nl_cb *cb;
	long count = -1;
	int rc;

	/* without an ACK: the answer is one message, and an ACK left unread would be taken for
	 * the answer of the dump that may follow */
	nl_socket_disable_auto_ack(sk);
	rc = nfnl_send_simple(sk, NFNL_SUBSYS_CTNETLINK, IPCTNL_MSG_CT_GET_STATS, 0, AF_UNSPEC, 0);
	nl_socket_enable_auto_ack(sk);
	if (rc < 0)
		return -1;
	cb = lnw_nl_clone_cb(sk);
	if (!cb)
		return -1;
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, take_count, &count);
	if (nl_recvmsgs(sk, cb) < 0)
		count = -1;
	nl_cb_put(cb);
	return count;
}

struct lnw_ct {
	struct nl_sock *sk;
};

static int open_in_ns(void *arg, struct lnw_err *err)
{
	struct lnw_ct *ct = arg;
	int rc;

	ct->sk = nl_socket_alloc();
	if (!ct->sk)
		return lnw_err_set(err, ENOMEM, "open conntrack", "socket");
	rc = nl_connect(ct->sk, NETLINK_NETFILTER);
	if (rc < 0) {
		nl_socket_free(ct->sk);
		ct->sk = NULL;
		return lnw_nl_fail(err, rc, "open conntrack", "socket");
	}
	/* private and strictly request-answer; and the count's answer, stopped early, would
	 * leave libnl's expected sequence number behind */
	nl_socket_disable_seq_check(ct->sk);
	return 0;
}

struct lnw_ct *lnw_ct_open(int nsfd, struct lnw_err *err)
{
	struct lnw_ct *ct;

	lnw_err_clear(err);
	ct = calloc(1, sizeof(*ct));
	if (!ct) {
		lnw_err_set(err, ENOMEM, "open conntrack", "handle");
		return NULL;
	}
	if (lnw_ns_run(nsfd, open_in_ns, ct, err) < 0) {
		free(ct);
		return NULL;
	}
	return ct;
}

void lnw_ct_close(struct lnw_ct *ct)
{
	if (!ct)
		return;
	nl_socket_free(ct->sk);
	free(ct);
}

/* Deletes the namespace's entries that job matches; returns how many. */
static int flush(struct lnw_ct *ct, struct flush_job *job, struct lnw_err *err)
{
	struct nl_cache *cache = NULL;
	struct nl_object *obj;
	int rc;

	if (tracked(ct->sk) == 0)
		return 0;
	rc = nfnl_ct_alloc_cache(ct->sk, &cache);
	if (rc < 0)
		return lnw_nl_fail(err, rc, OP, job->what);
	for (obj = nl_cache_get_first(cache); obj; obj = nl_cache_get_next(obj)) {
		struct nfnl_ct *e = (struct nfnl_ct *)obj;

		if (!job->match(e, job))
			continue;
		rc = nfnl_ct_del(ct->sk, e, 0);
		/* an entry that expired meanwhile is as good as deleted */
		if (rc < 0 && lnw_nle_to_errno(rc) != ENOENT) {
			nl_cache_free(cache);
			return lnw_nl_fail(err, rc, OP, job->what);
		}
		if (rc >= 0)
			job->deleted++;
	}
	nl_cache_free(cache);
	return job->deleted;
}

int lnw_ct_flush_addr(struct lnw_ct *ct, const unsigned char *addr, int addr_len, struct lnw_err *err)
{
	struct flush_job job = { .match = of_addr, .addr = addr, .len = addr_len };

	lnw_err_clear(err);
	if (!ct || !addr || (addr_len != 4 && addr_len != 16))
		return lnw_err_set(err, EINVAL, OP, "address of %d bytes", addr_len);
	inet_ntop(addr_len == 4 ? AF_INET : AF_INET6, addr, job.what, sizeof(job.what));
	return flush(ct, &job, err);
}

int lnw_ct_flush_port(struct lnw_ct *ct, int proto, int port, struct lnw_err *err)
{
	struct flush_job job = { .match = to_port, .proto = proto, .port = port };

	lnw_err_clear(err);
	if (!ct || proto <= 0 || proto > 255 || port <= 0 || port > 65535)
		return lnw_err_set(err, EINVAL, OP, "protocol %d, port %d", proto, port);
	snprintf(job.what, sizeof(job.what), "port %d/%d", port, proto);
	return flush(ct, &job, err);
}
