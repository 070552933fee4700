/*
 * nl.c - an rtnetlink handle bound to one namespace, and the request/answer loop that keeps
 * the kernel's own errno and extended-ack text.
 *
 * libnl folds kernel errnos into its NLE_* codes (EEXIST and EADDRINUSE both become
 * NLE_EXIST, ENODEV and ENOENT both become NLE_OBJ_NOTFOUND...), and libnl 3.7 does not
 * read extended acks at all. So every request goes through lnw_nl_transact, whose error
 * callback records the raw errno and NLMSGERR_ATTR_MSG before libnl sees them. libnl still
 * builds the requests and parses the answers into its objects.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/sockios.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/socket.h>

#include "lnw_internal.h"

#ifndef SOL_NETLINK
#define SOL_NETLINK 270
#endif

/* The errno an nlmsgerr's error field carries (the kernel sends -errno): a positive or
 * unnegatable value is a malformed message. */
static int errno_of(int error)
{
	return error > 0 || error == INT_MIN ? EPROTO : -error;
}

int lnw_nl_parse_error(const struct nlmsghdr *h, char *extack, size_t cap)
{
	const struct nlmsgerr *e;
	long datalen, off;

	if (cap)
		extack[0] = '\0';
	if (h->nlmsg_len < NLMSG_HDRLEN + sizeof(*e))
		return EPROTO;
	e = nlmsg_data(h);
	datalen = (long)h->nlmsg_len - NLMSG_HDRLEN;
	off = sizeof(*e);
	if ((h->nlmsg_flags & NLM_F_ACK_TLVS) && cap) {
		struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

		/* Uncapped, the request we sent is echoed before the TLVs; its length is the
		 * kernel's word, checked like the rest (a length below a header would walk back). */
		if (!(h->nlmsg_flags & NLM_F_CAPPED)) {
			if (e->msg.nlmsg_len < NLMSG_HDRLEN || e->msg.nlmsg_len > datalen)
				return errno_of(e->error);
			off += NLMSG_ALIGN(e->msg.nlmsg_len) - NLMSG_HDRLEN;
		}
		if (off < datalen &&
		    nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)e + off),
			      (int)(datalen - off), NULL) == 0 && tb[NLMSGERR_ATTR_MSG]) {
			/* the message is meant to end with a NUL; never read past the attribute */
			int len = nla_len(tb[NLMSGERR_ATTR_MSG]);
			const char *msg = nla_data(tb[NLMSGERR_ATTR_MSG]);

			snprintf(extack, cap, "%.*s", (int)strnlen(msg, (size_t)(len > 0 ? len : 0)), msg);
		}
	}
	return errno_of(e->error);
}

static int on_error(struct sockaddr_nl *who, struct nlmsgerr *e, void *arg)
{
	struct lnw_nl *nl = arg;
	/* libnl hands us the payload; the header that says whether TLVs follow is just before */
	struct nlmsghdr *h = (struct nlmsghdr *)((char *)e - NLMSG_HDRLEN);

	(void)who;
	nl->kernel_errno = lnw_nl_parse_error(h, nl->extack, sizeof(nl->extack));
	nl->done = 1;
	return NL_STOP; /* libnl then returns its folded code; we keep the raw one */
}

static int on_finish(struct nl_msg *msg, void *arg)
{
	(void)msg;
	((struct lnw_nl *)arg)->done = 1;
	return NL_STOP;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct lnw_nl *nl = arg;

	if (nl->on_obj)
		nl_msg_parse(msg, nl->on_obj, nl->obj_arg);
	return NL_OK;
}

struct open_job {
	struct nl_sock *sk;
};

/* Runs inside the target namespace: a socket belongs to the namespace it was created in,
 * for good, whichever thread uses it later. */
static int open_in_ns(void *arg, struct lnw_err *err)
{
	struct open_job *job = arg;
	int rc;

	rc = nl_connect(job->sk, NETLINK_ROUTE); /* SOCK_CLOEXEC inside libnl */
	if (rc < 0)
		return lnw_nl_fail(err, rc, "open netlink", "connect NETLINK_ROUTE");
	return 0;
}

struct lnw_nl *lnw_nl_open_at(int nsfd, struct lnw_err *err)
{
	struct open_job job = { 0 };
	struct lnw_nl *nl;
	int one = 1;

	lnw_err_clear(err);
	nl = calloc(1, sizeof(*nl));
	if (!nl) {
		lnw_err_set(err, ENOMEM, "open netlink", "handle");
		return NULL;
	}
	if (nsfd < 0) {
		lnw_err_set(err, EBADF, "open netlink", "namespace fd %d", nsfd);
		free(nl);
		return NULL;
	}
	nl->cb = nl_cb_alloc(NL_CB_DEFAULT);
	job.sk = nl->cb ? nl_socket_alloc_cb(nl->cb) : NULL;
	if (!job.sk) {
		lnw_err_set(err, ENOMEM, "open netlink", "socket");
		goto fail;
	}
	nl->sk = job.sk;
	if (lnw_ns_run(nsfd, open_in_ns, &job, err) < 0)
		goto fail;

	/* Ask the kernel for the reason of a refusal (extended ack), without echoing our whole
	 * request back in every error (CAP_ACK). Old kernels without them still work. */
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(nl->sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	nl_socket_disable_auto_ack(nl->sk); /* we set NLM_F_ACK ourselves, per request kind */
	nl_socket_set_buffer_size(nl->sk, 1 << 20, 1 << 20);
	nl_socket_enable_msg_peek(nl->sk); /* size the receive buffer to big dump messages */

	nl_cb_err(nl->cb, NL_CB_CUSTOM, on_error, nl);
	nl_cb_set(nl->cb, NL_CB_ACK, NL_CB_CUSTOM, on_finish, nl);
	nl_cb_set(nl->cb, NL_CB_FINISH, NL_CB_CUSTOM, on_finish, nl);
	nl_cb_set(nl->cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, nl);
	return nl;

fail:
	lnw_nl_close(nl);
	return NULL;
}

void lnw_nl_close(struct lnw_nl *nl)
{
	if (!nl)
		return;
	if (nl->sk)
		nl_socket_free(nl->sk); /* closes the fd */
	if (nl->cb)
		nl_cb_put(nl->cb);
	free(nl);
}

/* The handle keeps no descriptor of its namespace: its socket is bound to it for good, and
 * the kernel hands out a new one on request (SIOCGSKNS, Linux 4.9). One fd per handle, not
 * two, is what lets a controller hold 10,000 sandboxes under a 20,000-descriptor limit. */
int lnw_nl_ns_fd(struct lnw_nl *nl, struct lnw_err *err)
{
	int fd = ioctl(nl_socket_get_fd(nl->sk), SIOCGSKNS);

	if (fd < 0)
		return lnw_err_set(err, errno, "namespace of a netlink handle", "ioctl(SIOCGSKNS)");
	return fd;
}

int lnw_nl_fail_request(struct lnw_nl *nl, int nth, int errnum, struct lnw_err *err)
{
	lnw_err_clear(err);
	if (nth < 0 || (nth > 0 && errnum <= 0))
		return lnw_err_set(err, EINVAL, "inject failure", "request %d, errno %d", nth, errnum);
	nl->fail_countdown = nth;
	nl->fail_errno = errnum;
	return 0;
}

int lnw_nl_fail(struct lnw_err *err, int nle, const char *op, const char *what)
{
	int rc = lnw_err_set(err, lnw_nle_to_errno(nle), op, "%s", what);

	if (err)
		err->nl_code = nle < 0 ? -nle : nle;
	return rc;
}

int lnw_nl_transact(struct lnw_nl *nl, struct nl_msg *msg,
                    void (*on_obj)(struct nl_object *obj, void *arg), void *obj_arg,
                    struct lnw_err *err, const char *op, const char *fmt, ...)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	char what[192];
	va_list ap;
	int rc;

	/* A dump ends with NLMSG_DONE; anything else asks for an ACK, so that the answer has a
	 * definite end and every refusal carries the kernel's errno. NLM_F_DUMP's bits mean
	 * something else on other requests (0x200 is NLM_F_EXCL on a NEW), so a dump is a GET
	 * (rtnetlink types come in NEW, DEL, GET, SET quads) that carries both bits. */
	int dump = (h->nlmsg_type & 3) == 2 && (h->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;

	if (!dump)
		h->nlmsg_flags |= NLM_F_ACK;
	if (nl->fail_countdown > 0 && --nl->fail_countdown == 0) {
		nlmsg_free(msg);
		va_start(ap, fmt);
		vsnprintf(what, sizeof(what), fmt, ap);
		va_end(ap);
		return lnw_err_set(err, nl->fail_errno, op, "%s [injected]", what);
	}
	nl->done = 0;
	nl->kernel_errno = 0;
	nl->extack[0] = '\0';
	nl->on_obj = on_obj;
	nl->obj_arg = obj_arg;

	rc = nl_send_auto(nl->sk, msg);
	nlmsg_free(msg);
	/* Bounded: each round reads at least one datagram, and the kernel ends every request
	 * with an ACK, an error or NLMSG_DONE. */
	while (rc >= 0 && !nl->done)
		rc = nl_recvmsgs(nl->sk, nl->cb);
	nl->on_obj = NULL;
	nl->obj_arg = NULL;
	if (rc >= 0 && nl->kernel_errno == 0)
		return 0;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (nl->kernel_errno > 0) {
		rc = lnw_err_set(err, nl->kernel_errno, op, "%s", what);
		/* libnl's folded code beside the kernel's raw errno (EADDRINUSE and EEXIST are
		 * both NLE_EXIST there), for callers that speak libnl's codes */
		if (err)
			err->nl_code = nl_syserr2nlerr(nl->kernel_errno);
		if (nl->extack[0] && err) {
			size_t len = strlen(err->msg);

			snprintf(err->msg + len, sizeof(err->msg) - len, ": %s", nl->extack);
		}
		return rc;
	}
	return lnw_nl_fail(err, rc, op, what);
}

struct nl_cb *lnw_nl_clone_cb(struct nl_sock *sk)
{
	struct nl_cb *own = nl_socket_get_cb(sk);
	struct nl_cb *copy = own ? nl_cb_clone(own) : NULL;

	nl_cb_put(own);
	return copy;
}
