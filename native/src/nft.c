/*
 * nft.c - nftables rulesets through libnftables, in-process, inside a given namespace.
 *
 * libnftables opens its NETLINK_NETFILTER socket in nft_ctx_new(), so a context created on
 * a thread inside a namespace talks to that namespace for its whole life, whichever thread
 * uses it: commands run on the calling thread. The exception is a command that may name an
 * interface by index (`iif`, `oif`, `fwd to`, `dup to ... device`): libnftables resolves
 * those names through a rtnetlink socket it opens per command in the *calling* thread's
 * namespace, so such a command runs on a private thread inside the namespace (~60-100 us
 * more: a thread created and joined).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <linux/netlink.h>

#include <arpa/inet.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nf_tables.h>
#include <netlink/attr.h>
#include <netlink/msg.h>
#include <netlink/socket.h>
#include <nftables/libnftables.h>

#include "lnw_internal.h"

struct lnw_nft {
	struct nft_ctx *ctx;
	int nsfd;
	struct nl_sock *gen_sk;  /* our own netfilter socket for NFT_MSG_GETGEN */
};

/* libnftables opens its socket without SOCK_CLOEXEC and offers no way to reach it. Mark
 * every netfilter netlink socket of the process that lacks FD_CLOEXEC: ours are the only
 * ones libnftables leaves open, and close-on-exec is harmless on anybody else's. Returns
 * the highest number marked, or -1: right after a context is made (callers serialize opens,
 * and new_ctx_low marks all before), its socket. */
static int cloexec_netfilter_sockets(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int highest = -1;

	if (!d)
		return -1;
	while ((e = readdir(d)) != NULL) {
		int fd = atoi(e->d_name), proto = 0, domain = 0, flags;
		socklen_t len = sizeof(int);

		if (fd <= 2 || fd == dirfd(d))
			continue;
		flags = fcntl(fd, F_GETFD);
		if (flags < 0 || (flags & FD_CLOEXEC))
			continue;
		if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) < 0 || domain != AF_NETLINK)
			continue;
		len = sizeof(int);
		if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL, &proto, &len) == 0 &&
		    proto == NETLINK_NETFILTER) {
			fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
			if (fd > highest)
				highest = fd;
		}
	}
	closedir(d);
	return highest;
}

/* libnftables 1.0.6 waits for the kernel's answers with select(), whose fd_set holds only
 * descriptors below FD_SETSIZE (1024): a context whose socket got a higher number aborts the
 * whole process on its first command (glibc's "bit out of range 0 - FD_SETSIZE on fd_set").
 * A JVM raises its descriptor limit to the hard limit, and a daemon holding many sandboxes'
 * and resolvers' sockets passes 1024. So one descriptor below 1024 is held in reserve from
 * the moment the library loads, given up just before each nft_ctx_new() (a new descriptor
 * takes the lowest free number) and taken again after; a context whose socket still lands
 * at 1024 or above (another thread took the number in between, say) is refused with EMFILE
 * rather than left to abort the process later. A context's close puts its number back in
 * reserve. */
static pthread_mutex_t low_fd_mu = PTHREAD_MUTEX_INITIALIZER;
static int low_fd = -1;

static void reserve_low_fd_locked(void)
{
	int fd;

	if (low_fd >= 0)
		return;
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd >= FD_SETSIZE) {
		close(fd);
		fd = -1;
	}
	low_fd = fd;
}

__attribute__((constructor)) static void reserve_low_fd_at_load(void)
{
	pthread_mutex_lock(&low_fd_mu);
	reserve_low_fd_locked();
	pthread_mutex_unlock(&low_fd_mu);
}

/* nft_ctx_new() with the reserved low descriptor free for its socket; *sock gets the number
 * the socket took (-1 if it could not be told). */
static struct nft_ctx *new_ctx_low(int *sock)
{
	struct nft_ctx *ctx;

	/* marked first, so that the one left unmarked afterwards is the new context's even if
	 * someone else in the process made a netfilter socket without close-on-exec */
	cloexec_netfilter_sockets();
	pthread_mutex_lock(&low_fd_mu);
	if (low_fd >= 0) {
		close(low_fd);
		low_fd = -1;
	}
	ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	*sock = cloexec_netfilter_sockets();
	reserve_low_fd_locked();
	pthread_mutex_unlock(&low_fd_mu);
	return ctx;
}

struct open_job {
	struct nft_ctx *ctx;
	struct nl_sock *gen_sk;
};

static int open_in_ns(void *arg, struct lnw_err *err)
{
	struct open_job *job = arg;
	/* nft_ctx_new() calls exit() when it cannot open its socket: try one ourselves first,
	 * so that a missing nfnetlink or an fd limit becomes an error and not a dead JVM. */
	int probe = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
	int rc, sock;

	if (probe < 0)
		return lnw_err_set(err, errno, "open nftables", "netfilter netlink socket");
	close(probe);
	/* the context first: its socket needs a low number, libnl's any */
	job->ctx = new_ctx_low(&sock);
	if (!job->ctx)
		return lnw_err_set(err, ENOMEM, "open nftables", "context");
	if (sock >= FD_SETSIZE) {
		nft_ctx_free(job->ctx);
		job->ctx = NULL;
		return lnw_err_set(err, EMFILE, "open nftables",
				   "its socket got descriptor %d, and libnftables waits with select(), "
				   "which needs one below %d", sock, FD_SETSIZE);
	}
	job->gen_sk = nl_socket_alloc();
	if (!job->gen_sk) {
		nft_ctx_free(job->ctx);
		job->ctx = NULL;
		return lnw_err_set(err, ENOMEM, "open nftables", "generation socket");
	}
	if ((rc = nl_connect(job->gen_sk, NETLINK_NETFILTER)) < 0) {
		nl_socket_free(job->gen_sk);
		job->gen_sk = NULL;
		nft_ctx_free(job->ctx);
		job->ctx = NULL;
		return lnw_nl_fail(err, rc, "open nftables", "generation socket");
	}
	nl_socket_disable_auto_ack(job->gen_sk);
	return 0;
}

struct lnw_nft *lnw_nft_open(int nsfd, struct lnw_err *err)
{
	struct open_job job = { 0 };
	struct lnw_nft *nft;

	lnw_err_clear(err);
	nft = calloc(1, sizeof(*nft));
	if (!nft) {
		lnw_err_set(err, ENOMEM, "open nftables", "handle");
		return NULL;
	}
	/* above the numbers select() can watch where the limit allows: keep those for sockets */
	nft->nsfd = fcntl(nsfd, F_DUPFD_CLOEXEC, FD_SETSIZE);
	if (nft->nsfd < 0)
		nft->nsfd = fcntl(nsfd, F_DUPFD_CLOEXEC, 0);
	if (nft->nsfd < 0) {
		lnw_err_set(err, errno, "open nftables", "namespace fd %d", nsfd);
		free(nft);
		return NULL;
	}
	if (lnw_ns_run(nft->nsfd, open_in_ns, &job, err) < 0) {
		close(nft->nsfd);
		free(nft);
		return NULL;
	}
	nft->ctx = job.ctx;
	nft->gen_sk = job.gen_sk;
	nft_ctx_buffer_output(nft->ctx);
	nft_ctx_buffer_error(nft->ctx);
	return nft;
}

void lnw_nft_close(struct lnw_nft *nft)
{
	if (!nft)
		return;
	nl_socket_free(nft->gen_sk);
	/* the context's low number back in reserve, for the next context (a controller reopened
	 * in a process that holds a thousand descriptors) */
	pthread_mutex_lock(&low_fd_mu);
	nft_ctx_free(nft->ctx);
	reserve_low_fd_locked();
	pthread_mutex_unlock(&low_fd_mu);
	close(nft->nsfd);
	free(nft);
}

static int take_gen(struct nl_msg *msg, void *arg)
{
	struct nlattr *tb[NFTA_GEN_MAX + 1];

	if (nlmsg_parse(nlmsg_hdr(msg), sizeof(struct nfgenmsg), tb, NFTA_GEN_MAX, NULL) == 0 &&
	    tb[NFTA_GEN_ID]) {
		*(uint64_t *)arg = ntohl(nla_get_u32(tb[NFTA_GEN_ID]));
		return NL_OK;
	}
	return NL_SKIP;
}

int lnw_nft_generation(struct lnw_nft *nft, uint64_t *out, struct lnw_err *err)
{
	struct nfgenmsg gen = { .nfgen_family = AF_UNSPEC, .version = NFNETLINK_V0 };
	struct nl_msg *msg;
	uint64_t value = UINT64_MAX;
	struct nl_cb *cb;
	int rc;

	lnw_err_clear(err);
	msg = nlmsg_alloc_simple((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETGEN, 0);
	if (!msg || nlmsg_append(msg, &gen, sizeof(gen), NLMSG_ALIGNTO) < 0) {
		nlmsg_free(msg);
		return lnw_err_set(err, ENOMEM, "nftables generation", "request");
	}
	rc = nl_send_auto(nft->gen_sk, msg);
	nlmsg_free(msg);
	if (rc < 0)
		return lnw_nl_fail(err, rc, "nftables generation", "send");
	cb = lnw_nl_clone_cb(nft->gen_sk);
	if (!cb)
		return lnw_err_set(err, ENOMEM, "nftables generation", "callback");
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, take_gen, &value);
	/* the answer is one NFT_MSG_NEWGEN message, in one datagram */
	rc = nl_recvmsgs(nft->gen_sk, cb);
	nl_cb_put(cb);
	if (rc < 0)
		return lnw_nl_fail(err, rc, "nftables generation", "receive");
	if (value == UINT64_MAX)
		return lnw_err_set(err, EPROTO, "nftables generation", "no NFTA_GEN_ID in the answer");
	out[0] = value;
	return 0;
}

struct run_job {
	struct lnw_nft *nft;
	const char *cmd;
	const char *op;
	int json;
	char *out;
	int cap;
	int len;
};

/* The first lines of libnftables' error text, without its "^^^" marker lines. */
void lnw_nft_error_text(const char *text, char *buf, size_t len)
{
	size_t pos = 0;

	buf[0] = '\0';
	while (text && *text && pos + 1 < len) {
		const char *end = strchr(text, '\n');
		size_t n = end ? (size_t)(end - text) : strlen(text);

		if (strspn(text, " ^~") < n) {
			int w = snprintf(buf + pos, len - pos, "%s%.*s", pos ? " | " : "", (int)n, text);

			if (w < 0)
				break;
			pos += (size_t)w;
		}
		if (!end)
			break;
		text = end + 1;
	}
}

/* libnftables reports failures as text. For a transaction the kernel refused, errno holds
 * the kernel's code and the text its strerror(); other failures (a cache lookup that found
 * nothing, a parse error) leave errno at whatever the last syscall set (often EAGAIN from
 * its non-blocking socket). So: syntax errors are EINVAL; else the errno whose strerror()
 * the text quotes; else EINVAL, a request libnftables did not accept. */
int lnw_nft_classify(const char *text, int saved)
{
	if (strstr(text, "syntax error"))
		return EINVAL;
	if (saved > 0 && strstr(text, strerror(saved)))
		return saved;
	for (int e = 1; e < 134; e++)
		if (strstr(text, strerror(e)))
			return e;
	return EINVAL;
}

/* Runs job; on the calling thread or, through lnw_ns_run, on one inside the namespace. */
static int run_in_ns(void *arg, struct lnw_err *err)
{
	struct run_job *job = arg;
	struct nft_ctx *ctx = job->nft->ctx;
	unsigned flags = nft_ctx_output_get_flags(ctx);
	const char *out;
	sigset_t async, old;
	int rc, saved;

	if (job->json)
		nft_ctx_output_set_flags(ctx, flags | NFT_CTX_OUTPUT_JSON);
	/* libnftables waits for the kernel's answer in select(), which no SA_RESTART restarts:
	 * a signal then fails the command with EINTR after the batch was sent, committed or
	 * not. A JVM's threads get such signals (a sampling profiler's SIGPROF, the VM's own
	 * suspend signal), so asynchronous signals wait until the command is done; the ones a
	 * fault raises stay open, as blocking them would kill the process instead. */
	sigfillset(&async);
	sigdelset(&async, SIGSEGV);
	sigdelset(&async, SIGBUS);
	sigdelset(&async, SIGFPE);
	sigdelset(&async, SIGILL);
	sigdelset(&async, SIGTRAP);
	sigdelset(&async, SIGSYS);
	pthread_sigmask(SIG_BLOCK, &async, &old);
	errno = 0;
	rc = nft_run_cmd_from_buffer(ctx, job->cmd);
	saved = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (job->json)
		nft_ctx_output_set_flags(ctx, flags);
	out = nft_ctx_get_output_buffer(ctx); /* also rewinds it for the next command */
	if (rc != 0) {
		const char *raw = nft_ctx_get_error_buffer(ctx);
		char text[200];

		lnw_nft_error_text(raw, text, sizeof(text));
		return lnw_err_set(err, lnw_nft_classify(raw, saved), job->op, "%s",
				   text[0] ? text : "rejected");
	}
	nft_ctx_get_error_buffer(ctx); /* drop warnings */
	if (job->out) {
		size_t len = strlen(out);

		if (job->cap > 0) {
			size_t n = len < (size_t)job->cap - 1 ? len : (size_t)job->cap - 1;

			memcpy(job->out, out, n);
			job->out[n] = '\0';
		}
		job->len = (int)len;
	}
	return 0;
}

/* Whether cmd holds one of the words after which libnftables may resolve an interface name
 * to an index in the calling thread's namespace. Conservative: the word anywhere (a comment
 * included) sends the command to the namespace's thread, which is only slower. */
int lnw_nft_names_ifindex(const char *cmd)
{
	static const char *const words[] = { "iif", "oif", "fwd", "dup" };

	for (const char *p = cmd; *p; p++) {
		if (p != cmd && (isalnum((unsigned char)p[-1]) || p[-1] == '_'))
			continue;
		for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
			size_t n = strlen(words[i]);

			if (!strncmp(p, words[i], n) && !isalnum((unsigned char)p[n]) && p[n] != '_')
				return 1;
		}
	}
	return 0;
}

static int run(struct run_job *job, struct lnw_err *err)
{
	if (lnw_nft_names_ifindex(job->cmd))
		return lnw_ns_run(job->nft->nsfd, run_in_ns, job, err);
	return run_in_ns(job, err);
}

int lnw_nft_apply(struct lnw_nft *nft, const char *ruleset, struct lnw_err *err)
{
	struct run_job job = { .nft = nft, .cmd = ruleset, .op = "apply nftables ruleset" };

	lnw_err_clear(err);
	if (!ruleset)
		return lnw_err_set(err, EINVAL, job.op, "no ruleset");
	return run(&job, err);
}

int lnw_nft_list_json(struct lnw_nft *nft, const char *command, char *out, int cap,
                      struct lnw_err *err)
{
	struct run_job job = { .nft = nft, .cmd = command, .op = "list nftables", .json = 1,
			       .out = out, .cap = cap };
	int rc;

	lnw_err_clear(err);
	if (!command || !out || cap < 1)
		return lnw_err_set(err, EINVAL, job.op, "no command or buffer");
	rc = run(&job, err);
	return rc < 0 ? rc : job.len;
}
