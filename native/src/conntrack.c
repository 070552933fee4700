/*
 * conntrack.c - forgetting the connections of an address that is gone.
 *
 * A connection to a published port is tracked with its DNAT; when the endpoint behind it goes,
 * the entry would keep steering that flow (UDP especially, whose entries are refreshed by every
 * packet) to the old address. libnl-nf dumps the table; matching entries are deleted one by
 * one, inside the namespace (the socket is made there by the private thread that does it all).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/netfilter/ct.h>
#include <netlink/netfilter/nfnl.h>
#include <netlink/socket.h>

#include "lnw_internal.h"

#define OP "flush conntrack"

struct flush_job {
	const unsigned char *addr;
	int len;
	int deleted;
	char what[INET6_ADDRSTRLEN];
};

static int same(struct nl_addr *a, const struct flush_job *job)
{
	return a && (int)nl_addr_get_len(a) == job->len &&
	       memcmp(nl_addr_get_binary_addr(a), job->addr, (size_t)job->len) == 0;
}

static int flush_in_ns(void *arg, struct lnw_err *err)
{
	struct flush_job *job = arg;
	struct nl_sock *sk = nl_socket_alloc();
	struct nl_cache *cache = NULL;
	struct nl_object *obj;
	int rc;

	if (!sk)
		return lnw_err_set(err, ENOMEM, OP, "%s", job->what);
	rc = nl_connect(sk, NETLINK_NETFILTER);
	if (rc < 0)
		goto nlfail;
	rc = nfnl_ct_alloc_cache(sk, &cache);
	if (rc < 0)
		goto nlfail;
	for (obj = nl_cache_get_first(cache); obj; obj = nl_cache_get_next(obj)) {
		struct nfnl_ct *ct = (struct nfnl_ct *)obj;

		/* original destination: direct connections; reply source: DNAT'd ones */
		if (!same(nfnl_ct_get_dst(ct, 0), job) && !same(nfnl_ct_get_src(ct, 1), job))
			continue;
		rc = nfnl_ct_del(sk, ct, 0);
		/* an entry that expired meanwhile is as good as deleted */
		if (rc < 0 && lnw_nle_to_errno(rc) != ENOENT)
			goto nlfail;
		if (rc >= 0)
			job->deleted++;
	}
	nl_cache_free(cache);
	nl_socket_free(sk);
	return 0;
nlfail:
	if (cache)
		nl_cache_free(cache);
	nl_socket_free(sk);
	return lnw_nl_fail(err, rc, OP, job->what);
}

int lnw_ct_flush_addr(int nsfd, const unsigned char *addr, int addr_len, struct lnw_err *err)
{
	struct flush_job job = { .addr = addr, .len = addr_len };
	int rc;

	lnw_err_clear(err);
	if (!addr || (addr_len != 4 && addr_len != 16))
		return lnw_err_set(err, EINVAL, OP, "address of %d bytes", addr_len);
	inet_ntop(addr_len == 4 ? AF_INET : AF_INET6, addr, job.what, sizeof(job.what));
	rc = lnw_ns_run(nsfd, flush_in_ns, &job, err);
	return rc < 0 ? rc : job.deleted;
}
