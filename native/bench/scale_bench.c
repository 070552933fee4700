/*
 * scale_bench.c - the plain C floor for attaching containers while many stay alive, using the
 * native core directly: whether an attach slows down with N live containers because of the
 * kernel or because of the Java code above it.
 *
 *   lnw-scale-bench TOTAL PER_BRIDGE RUNDIR [WARMUP]
 *       TOTAL containers (1..60000) kept alive, PER_BRIDGE (1..1023) to a bridge, named under
 *       RUNDIR, which must not exist yet (its parent must): it is made here and removed with
 *       everything in it at the end, also after a failure. WARMUP (default 300) unmeasured
 *       attach and detach rounds first. Must run as root.
 *   LNW_BENCH_RAW=FILE   appends every per-container measurement, "c,STEP,i,microseconds".
 *   LNW_SCALE_FAIL_AT=I  test hook: container I's route request fails (EIO, injected by the
 *                        core without being sent), to check that a failure still cleans up.
 *
 * Everything happens in namespaces this program makes: a fake host (anonymous, loopback up)
 * holding ceil(TOTAL / PER_BRIDGE) bridges lnws-br<b> with their gateways 10.(150+b).0.1/16,
 * and the containers, each a namespace bind-mounted under RUNDIR like the Java facade's
 * sandboxes. Container i goes on bridge i / PER_BRIDGE; its attach is attach_bench.c's kernel
 * steps for the interface, each step timed (attach_bench.c's last step, the sandbox's
 * resolv.conf rewritten, is left out here: the controller's figures at scale include it):
 *   sandbox  create the named namespace, open a netlink handle in it, loopback up;
 *   veth     the pair, host end lnwsv<hex> on the bridge and up, the peer born in the
 *            container as eth0 with its MAC (02:42 and the IPv4 address);
 *   hostend  the host end's alias and no IPv6 link-local on it, in one request;
 *   addr     no IPv6 link-local on eth0, then 10.(150+b).x.y/16 on it;
 *   up       eth0 up;
 *   route    the default route via the gateway;
 *   settle   the host end and then the bridge settled (see lnw_link_settle);
 *   attach   veth to settle.
 * After its attach a container's handle and namespace fd are closed: the bind mount alone
 * keeps it alive, so the process holds no fd per live container (the fd limit is 20,000 and
 * TOTAL goes to 10,000, three fds each otherwise).
 *
 * Prints the fds held once all TOTAL are live (failing if they grew), one line per hundred
 * containers with the median of every step, report() lines for the first and last hundred
 * attaches (attach_first, attach_last); then, with them still live, the delete of 100
 * sandboxes spread over all bridges (unmount and unlink: the kernel removes the pair) and the
 * create of 100 fresh ones; then the teardown: every namespace deleted (teardown_total_ms, and
 * teardown_reaped_ms once the kernel has removed every pair), each bridge deleted
 * (network_delete).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "bench.h"

#define MAX_TOTAL 60000
/* the bridge driver numbers its ports in 10 bits (BR_MAX_PORTS), port 0 unused */
#define MAX_PER_BRIDGE 1023
/* gateways 10.150.0.1 up to 10.255.0.1 */
#define MAX_BRIDGES 106
/* the live sandboxes deleted, and the fresh ones created, with all containers live */
#define LIVE_OPS 100
/* warmup detaches left to the kernel before waiting for it: fewer than a bridge's ports */
#define WARMUP_BATCH 512
/* how often a wait for the kernel to remove deleted namespaces' links looks again */
#define POLL_MS 10

enum { S_SANDBOX, S_VETH, S_HOSTEND, S_ADDR, S_UP, S_ROUTE, S_SETTLE, S_ATTACH, NSTEPS };
static const char *const STEP[NSTEPS] = {
	"sandbox", "veth", "hostend", "addr", "up", "route", "settle", "attach",
};

struct bridge {
	char name[LNW_IFNAMSIZ];
	struct lnw_link link;
	unsigned char net;        /* the second octet of its subnet */
};

struct bench {
	int total, per_bridge, warmup, nbridges, fail_at;
	const char *rundir;

	int hostns;               /* the fake host; -1 when closed */
	struct lnw_nl *h;
	struct bridge *br;        /* nbridges of them */
	struct bridge warm;

	/* the container in progress: open until its attach is done, closed by cleanup if not */
	struct lnw_nl *c;
	int ns;

	unsigned char *live;      /* live[i]: container i's namespace is mounted under rundir */
	double *t;                /* t[i * NSTEPS + step], milliseconds */
	int del_idx[LIVE_OPS];
	double t_del[LIVE_OPS], t_new[LIVE_OPS];
	int nlive_ops;

	char first[768];          /* the first error, "" while none: nothing overwrites it */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Records and prints the first error; every later one is cleanup's to print, never this. */
static int fail(struct bench *b, const char *step, const char *who, int i,
		const struct lnw_err *err)
{
	if (b->first[0])
		return -1;
	if (who)
		snprintf(b->first, sizeof(b->first), "%s (%s %d): %s: %s", step, who, i, err->op,
			 err->msg);
	else
		snprintf(b->first, sizeof(b->first), "%s: %s: %s", step, err->op, err->msg);
	fprintf(stderr, "%s\n", b->first);
	return -1;
}

/* An lnw_err for failures outside the core, so that they take the same road. */
static const struct lnw_err *sys_err(struct lnw_err *err, const char *op, const char *what,
				     int errnum)
{
	memset(err, 0, sizeof(*err));
	err->code = errnum;
	snprintf(err->op, sizeof(err->op), "%s", op);
	snprintf(err->msg, sizeof(err->msg), "%s: %s", what, strerror(errnum));
	return err;
}

static int interrupted(struct bench *b, const char *step)
{
	struct lnw_err err;

	if (!stop)
		return 0;
	return fail(b, step, NULL, 0, sys_err(&err, "signal", "interrupted", EINTR));
}

/* The time since *t0 into t[step] (t may be NULL: unmeasured), and a new start. */
static void lap(double *t, int step, double *t0)
{
	double t1 = now_ms();

	if (t)
		t[step] = t1 - *t0;
	*t0 = t1;
}

/* The handle and the fd of the container in progress: its bind mount keeps it alive. */
static void sandbox_close(struct bench *b)
{
	struct lnw_err err;

	if (b->c)
		lnw_nl_close(b->c);
	b->c = NULL;
	if (b->ns >= 0)
		lnw_fd_close(b->ns, &err);
	b->ns = -1;
}

/* Step 1: the named namespace, its handle, loopback up (a sandbox needs it). */
static int sandbox_open(struct bench *b, const char *name, const char *who, int i)
{
	struct lnw_err err;
	int rc;

	rc = lnw_netns_create_at(b->rundir, name, NULL, &err);
	if (rc < 0)
		return fail(b, "sandbox", who, i, &err);
	b->ns = rc;
	b->c = lnw_nl_open_at(b->ns, &err);
	if (!b->c)
		return fail(b, "sandbox handle", who, i, &err);
	if (lnw_link_set_up(b->c, 1 /* lo: always ifindex 1 in a new namespace */, &err) < 0)
		return fail(b, "loopback", who, i, &err);
	return 0;
}

/* attach_bench.c's attach (without its files) of container i (index j on bridge br), with t
 * (NULL: unmeasured) getting each step; the sandbox is left open for the caller to close or
 * delete. */
static int attach(struct bench *b, const char *name, const char *vname, const char *who, int i,
		  struct bridge *br, int j, double *t)
{
	struct lnw_addr a = { .family = AF_INET, .prefixlen = 16, .scope = -1 };
	struct lnw_route r = { .family = AF_INET, .scope = -1, .priority = -1, .has_gateway = 1 };
	unsigned char mac[6] = { 0x02, 0x42, 10, br->net, 0, 0 };
	struct lnw_link host, peer;
	struct lnw_err err;
	char alias[192];
	double t0 = now_ms(), start;

	if (sandbox_open(b, name, who, i) < 0)
		return -1;
	lap(t, S_SANDBOX, &t0);
	start = t0;

	a.addr[0] = 10;
	a.addr[1] = br->net;
	a.addr[2] = (unsigned char)((j + 2) >> 8);
	a.addr[3] = (unsigned char)((j + 2) & 0xff);
	mac[4] = a.addr[2];
	mac[5] = a.addr[3];
	/* as long as the controller's: two 64-digit ids and the join's priority */
	snprintf(alias, sizeof(alias), "lnw4j endpoint=%064d sandbox=%064d priority=0", i, i);
	if (lnw_link_veth_create(b->h, vname, b->c, "eth0", br->link.index, 0, 1, mac, 6, &host,
				 &peer, &err) < 0)
		return fail(b, "veth", who, i, &err);
	lap(t, S_VETH, &t0);

	if (lnw_link_configure(b->h, host.index, -1, alias, 1 /* addrgenmode none */, -1, &err) < 0)
		return fail(b, "hostend", who, i, &err);
	lap(t, S_HOSTEND, &t0);

	/* as the controller's batch: no link-local on eth0 (its network has no IPv6), before up */
	if (lnw_link_set_addr_gen_mode(b->c, peer.index, 1 /* none */, &err) < 0)
		return fail(b, "addr", who, i, &err);
	a.ifindex = peer.index;
	if (lnw_addr_add(b->c, &a, &err) < 0)
		return fail(b, "addr", who, i, &err);
	lap(t, S_ADDR, &t0);

	if (lnw_link_set_up(b->c, peer.index, &err) < 0)
		return fail(b, "up", who, i, &err);
	lap(t, S_UP, &t0);

	r.oif = peer.index;
	r.gateway[0] = 10;
	r.gateway[1] = br->net;
	r.gateway[3] = 1;
	if (t && i == b->fail_at && lnw_nl_fail_request(b->c, 1, EIO, &err) < 0)
		return fail(b, "arm LNW_SCALE_FAIL_AT", who, i, &err);
	if (lnw_route_add(b->c, &r, &err) < 0)
		return fail(b, "route", who, i, &err);
	lap(t, S_ROUTE, &t0);

	/* as the bridge driver does: the host end's and the bridge's queues attached now, not by
	 * the kernel's link-watch worker later (see lnw_link_settle) */
	if (lnw_link_settle(b->h, vname, &err) < 0 || lnw_link_settle(b->h, br->name, &err) < 0)
		return fail(b, "settle", who, i, &err);
	lap(t, S_SETTLE, &t0);
	if (t)
		t[S_ATTACH] = t0 - start;
	return 0;
}

/* A deleted namespace's links go later, from the kernel's cleanup_net worker: waits until the
 * fake host has `want` links again, so that this work does not fall into what is measured
 * next. *waited (may be NULL) gets how long it took, to POLL_MS and one dump. */
static int wait_links(struct bench *b, int want, int limit_ms, const char *step, double *waited)
{
	double t0 = now_ms();
	struct lnw_err err;
	int n = -1;

	for (int k = 0; k <= limit_ms / POLL_MS; k++) {
		struct timespec pause = { 0, POLL_MS * 1000000L };
		struct lnw_list *l = lnw_link_list(b->h, &err);

		if (!l)
			return fail(b, step, NULL, 0, &err);
		n = lnw_list_count(l);
		lnw_list_free(l);
		if (n == want) {
			if (waited)
				*waited = now_ms() - t0;
			return 0;
		}
		if (interrupted(b, step) < 0 || now_ms() - t0 > limit_ms)
			break;
		nanosleep(&pause, NULL);
	}
	if (b->first[0])
		return -1;
	fprintf(stderr, "%s: the fake host still has %d links, not %d, after %d ms\n", step, n,
		want, limit_ms);
	return fail(b, step, NULL, 0,
		    sys_err(&err, "wait for the kernel", "deleted links", ETIMEDOUT));
}

/* lo and the bridges, and one host end per live container */
static int host_links(const struct bench *b, int live, int warm)
{
	return 1 + b->nbridges + warm + live;
}

static int make_bridge(struct bench *b, struct bridge *br, const char *name, int net,
		       unsigned char mac_hi, unsigned char mac_lo)
{
	/* left to the kernel, the bridge's address would follow the lowest port address as
	 * ports come and go, with notifications each time */
	const unsigned char mac[6] = { 0x02, 0x6c, 0x6e, 0x77, mac_hi, mac_lo };
	struct lnw_addr gw = { .family = AF_INET, .prefixlen = 16, .scope = -1 };
	struct lnw_err err;

	snprintf(br->name, sizeof(br->name), "%s", name);
	br->net = (unsigned char)net;
	if (lnw_link_bridge_create(b->h, br->name, 0, 1, 1, mac, 6, &br->link, &err) < 0)
		return fail(b, "bridge", br->name, net, &err);
	gw.ifindex = br->link.index;
	gw.addr[0] = 10;
	gw.addr[1] = br->net;
	gw.addr[3] = 1;
	if (lnw_addr_add(b->h, &gw, &err) < 0)
		return fail(b, "gateway", br->name, net, &err);
	return 0;
}

static int setup_host(struct bench *b)
{
	struct lnw_err err;
	char name[32];
	int rc;

	rc = lnw_netns_create(NULL, &err);
	if (rc < 0)
		return fail(b, "fake host", NULL, 0, &err);
	b->hostns = rc;
	b->h = lnw_nl_open_at(b->hostns, &err);
	if (!b->h)
		return fail(b, "fake host handle", NULL, 0, &err);
	if (lnw_link_set_up(b->h, 1 /* lo */, &err) < 0)
		return fail(b, "fake host loopback", NULL, 0, &err);
	for (int i = 0; i < b->nbridges; i++) {
		snprintf(name, sizeof(name), "lnws-br%d", i);
		if (make_bridge(b, &b->br[i], name, 150 + i, 0x01, (unsigned char)i) < 0)
			return -1;
	}
	return 0;
}

/* Attach and detach on a bridge of their own, as attach_bench.c does, then the bridge gone:
 * the measured containers meet a host with exactly their bridges and warm caches. */
static int warm_up(struct bench *b)
{
	char name[32], vname[LNW_IFNAMSIZ], path[PATH_MAX];
	struct lnw_err err;

	if (make_bridge(b, &b->warm, "lnws-brw", 149, 0x00, 0xff) < 0)
		return -1;
	for (int i = 0; i < b->warmup; i++) {
		if (interrupted(b, "warmup") < 0)
			return -1;
		snprintf(name, sizeof(name), "lnws-w%d", i);
		snprintf(vname, sizeof(vname), "lnwsw%x", i);
		snprintf(path, sizeof(path), "%s/%s", b->rundir, name);
		if (attach(b, name, vname, "warmup container", i, &b->warm, i, NULL) < 0)
			return -1;
		sandbox_close(b);
		if (lnw_netns_delete(path, &err) < 0)
			return fail(b, "warmup detach", "warmup container", i, &err);
		/* the kernel frees the ports of the bridge asynchronously: never let it run out */
		if ((i + 1) % WARMUP_BATCH == 0 &&
		    wait_links(b, host_links(b, 0, 1), 60000, "warmup reap", NULL) < 0)
			return -1;
	}
	if (wait_links(b, host_links(b, 0, 1), 60000, "warmup reap", NULL) < 0)
		return -1;
	if (lnw_link_delete(b->h, b->warm.link.index, &err) < 0)
		return fail(b, "warmup bridge delete", NULL, 0, &err);
	return 0;
}

/* fds open in this process: must not grow with the live containers */
static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	for (int k = 0; k < 1 << 20 && (e = readdir(d)); k++)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1; /* the directory's own */
}

static int attach_all(struct bench *b)
{
	char name[32], vname[LNW_IFNAMSIZ];
	struct lnw_err err;
	int fds0 = open_fds(), fds1;

	for (int i = 0; i < b->total; i++) {
		if (interrupted(b, "attach") < 0)
			return -1;
		snprintf(name, sizeof(name), "lnws-%d", i);
		snprintf(vname, sizeof(vname), "lnwsv%x", i);
		/* one that fails half-made is still in rundir, where cleanup finds it */
		if (attach(b, name, vname, "container", i, &b->br[i / b->per_bridge],
			   i % b->per_bridge, b->t + (size_t)i * NSTEPS) < 0)
			return -1;
		b->live[i] = 1;
		sandbox_close(b);
	}
	fds1 = open_fds();
	printf("open_fds before=%d all_live=%d\n", fds0, fds1);
	if (fds1 > fds0 + 8)
		return fail(b, "fd budget", NULL, 0,
			    sys_err(&err, "open fds", "grew with the live containers", EMFILE));
	return 0;
}

static double median(const double *t, int from, int n, int step, double *tmp)
{
	for (int k = 0; k < n; k++)
		tmp[k] = t[(size_t)(from + k) * NSTEPS + step];
	qsort(tmp, (size_t)n, sizeof(*tmp), bench_cmp);
	return tmp[n / 2];
}

static void print_hundreds(const struct bench *b)
{
	double tmp[100];
	int last = (b->total - 1) / 100, n;

	for (int k = 0; k <= last; k++) {
		n = k < last ? 100 : b->total - 100 * last;
		printf("hundred=%d live=%d", k + 1, 100 * k + n);
		/* attach first: the number the Java side is compared with */
		printf(" attach_med_ms=%.3f", median(b->t, 100 * k, n, S_ATTACH, tmp));
		for (int s = 0; s < S_ATTACH; s++)
			printf(" %s_med_ms=%.3f", STEP[s], median(b->t, 100 * k, n, s, tmp));
		printf("\n");
	}
	n = b->total < 100 ? b->total : 100;
	for (int k = 0; k < n; k++)
		tmp[k] = b->t[(size_t)k * NSTEPS + S_ATTACH];
	report("attach_first", tmp, n);
	for (int k = 0; k < n; k++)
		tmp[k] = b->t[(size_t)(b->total - n + k) * NSTEPS + S_ATTACH];
	report("attach_last", tmp, n);
}

/* With every container live: what a delete and a create of one more sandbox cost then. */
static int live_ops(struct bench *b)
{
	char name[32], path[PATH_MAX];
	struct lnw_err err;
	double t0, tmp[LIVE_OPS];
	int n = b->total < LIVE_OPS ? b->total : LIVE_OPS;

	for (int k = 0; k < n; k++) {
		/* spread over all bridges: a port's removal depends on its bridge's size */
		int i = (int)((long)k * b->total / n);

		if (interrupted(b, "sandbox_delete_live") < 0)
			return -1;
		snprintf(path, sizeof(path), "%s/lnws-%d", b->rundir, i);
		t0 = now_ms();
		if (lnw_netns_delete(path, &err) < 0)
			return fail(b, "sandbox_delete_live", "container", i, &err);
		b->t_del[k] = now_ms() - t0;
		b->live[i] = 0;
		b->del_idx[k] = i;
	}
	b->nlive_ops = n;
	if (wait_links(b, host_links(b, b->total - n, 0), 60000, "sandbox_delete_live reap",
		       NULL) < 0)
		return -1;

	for (int k = 0; k < n; k++) {
		if (interrupted(b, "sandbox_create_live") < 0)
			return -1;
		snprintf(name, sizeof(name), "lnws-f%d", k);
		t0 = now_ms();
		if (sandbox_open(b, name, "fresh sandbox", k) < 0)
			return -1;
		b->t_new[k] = now_ms() - t0;
		sandbox_close(b);
	}
	for (int k = 0; k < n; k++) {
		snprintf(path, sizeof(path), "%s/lnws-f%d", b->rundir, k);
		if (lnw_netns_delete(path, &err) < 0)
			return fail(b, "fresh sandbox delete", "fresh sandbox", k, &err);
	}
	memcpy(tmp, b->t_del, sizeof(double) * (size_t)n);
	report("sandbox_delete_live", tmp, n);
	memcpy(tmp, b->t_new, sizeof(double) * (size_t)n);
	report("sandbox_create_live", tmp, n);
	return 0;
}

static int write_raw(struct bench *b)
{
	const char *file = getenv("LNW_BENCH_RAW");
	struct lnw_err err;
	FILE *raw;

	if (!file)
		return 0;
	/* every measurement, for the side-by-side harness (benchmarks/peers) */
	raw = fopen(file, "a");
	if (!raw)
		return fail(b, "LNW_BENCH_RAW", NULL, 0, sys_err(&err, "open", file, errno));
	for (int i = 0; i < b->total; i++)
		for (int s = 0; s < NSTEPS; s++)
			fprintf(raw, "c,%s,%d,%.1f\n", STEP[s], i, b->t[(size_t)i * NSTEPS + s] * 1000);
	for (int k = 0; k < b->nlive_ops; k++)
		fprintf(raw, "c,sandbox_delete_live,%d,%.1f\nc,sandbox_create_live,%d,%.1f\n",
			b->del_idx[k], b->t_del[k] * 1000, k, b->t_new[k] * 1000);
	if (fclose(raw) != 0)
		return fail(b, "LNW_BENCH_RAW", NULL, 0, sys_err(&err, "write", file, errno));
	return 0;
}

static int teardown(struct bench *b)
{
	char path[PATH_MAX];
	struct lnw_err err;
	double t0, total, reaped, *t_net;
	int deleted = 0;

	t0 = now_ms();
	for (int i = 0; i < b->total; i++) {
		if (!b->live[i])
			continue;
		snprintf(path, sizeof(path), "%s/lnws-%d", b->rundir, i);
		if (lnw_netns_delete(path, &err) < 0)
			return fail(b, "teardown", "container", i, &err);
		b->live[i] = 0;
		deleted++;
	}
	total = now_ms() - t0;
	/* the bridges' deletes are timed alone, not against the kernel's removal of the pairs */
	if (wait_links(b, host_links(b, 0, 0), 600000, "teardown reap", &reaped) < 0)
		return -1;
	printf("teardown_total_ms=%.1f teardown_reaped_ms=%.1f deleted=%d\n", total,
	       total + reaped, deleted);

	t_net = calloc((size_t)b->nbridges, sizeof(double));
	if (!t_net)
		return fail(b, "network_delete", NULL, 0, sys_err(&err, "calloc", "timings", ENOMEM));
	for (int k = 0; k < b->nbridges; k++) {
		t0 = now_ms();
		if (lnw_link_delete(b->h, b->br[k].link.index, &err) < 0) {
			free(t_net);
			return fail(b, "network_delete", b->br[k].name, k, &err);
		}
		t_net[k] = now_ms() - t0;
	}
	report("network_delete", t_net, b->nbridges);
	free(t_net);
	return 0;
}

/* Everything this program made goes, whatever happened: the container in progress, every
 * namespace under rundir (all ours: it did not exist before), the fake host (its links go
 * with it), rundir. Run on success too, with little left to do. Its own problems are
 * printed, never recorded: the first error stays the one reported. Returns how many. */
static int cleanup(struct bench *b)
{
	char path[PATH_MAX];
	struct lnw_err err;
	struct dirent *e;
	int problems = 0;

	sandbox_close(b);
	/* a few passes: whether readdir() returns what follows an entry unlinked meanwhile is
	 * unspecified */
	for (int pass = 0; pass < 3; pass++) {
		DIR *d = opendir(b->rundir);
		int found = 0;

		if (!d) {
			if (errno != ENOENT) {
				fprintf(stderr, "cleanup: %s: %s\n", b->rundir, strerror(errno));
				problems++;
			}
			break;
		}
		for (int k = 0; k < 4 * MAX_TOTAL && (e = readdir(d)); k++) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			found++;
			snprintf(path, sizeof(path), "%s/%s", b->rundir, e->d_name);
			if (lnw_netns_delete(path, &err) < 0 && err.code != ENOENT) {
				fprintf(stderr, "cleanup: %s: %s\n", err.op, err.msg);
				problems++;
			}
		}
		closedir(d);
		if (!found)
			break;
	}
	if (b->h)
		lnw_nl_close(b->h);
	b->h = NULL;
	if (b->hostns >= 0 && lnw_fd_close(b->hostns, &err) < 0) {
		fprintf(stderr, "cleanup: %s: %s\n", err.op, err.msg);
		problems++;
	}
	b->hostns = -1;
	if (rmdir(b->rundir) < 0 && errno != ENOENT) {
		fprintf(stderr, "cleanup: %s: %s\n", b->rundir, strerror(errno));
		problems++;
	}
	return problems;
}

static int parse(const char *s, int min, int max, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };
	struct bench b = { .hostns = -1, .ns = -1, .fail_at = -1, .warmup = 300 };
	int rc = -1, problems;

	if (argc < 4 || argc > 5 || parse(argv[1], 1, MAX_TOTAL, &b.total) < 0 ||
	    parse(argv[2], 1, MAX_PER_BRIDGE, &b.per_bridge) < 0 ||
	    (argc > 4 && parse(argv[4], 0, MAX_TOTAL, &b.warmup) < 0) || !argv[3][0]) {
		fprintf(stderr, "usage: lnw-scale-bench TOTAL PER_BRIDGE RUNDIR [WARMUP]\n"
			"  TOTAL 1..%d, PER_BRIDGE 1..%d, WARMUP 0..%d (default 300)\n",
			MAX_TOTAL, MAX_PER_BRIDGE, MAX_TOTAL);
		return 2;
	}
	b.rundir = argv[3];
	b.nbridges = (b.total + b.per_bridge - 1) / b.per_bridge;
	if (b.nbridges > MAX_BRIDGES) {
		fprintf(stderr, "at most %d bridges (10.150/16 to 10.255/16): raise PER_BRIDGE\n",
			MAX_BRIDGES);
		return 2;
	}
	if (getenv("LNW_SCALE_FAIL_AT") &&
	    parse(getenv("LNW_SCALE_FAIL_AT"), 0, MAX_TOTAL - 1, &b.fail_at) < 0) {
		fprintf(stderr, "LNW_SCALE_FAIL_AT must be a container index\n");
		return 2;
	}
	/* ours alone, so that cleanup may delete whatever it finds in it */
	if (mkdir(b.rundir, 0755) < 0) {
		fprintf(stderr, "%s: %s (RUNDIR must not exist yet)\n", b.rundir, strerror(errno));
		return 2;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	b.br = calloc((size_t)b.nbridges, sizeof(*b.br));
	b.live = calloc((size_t)b.total, 1);
	b.t = calloc((size_t)b.total * NSTEPS, sizeof(double));
	if (!b.br || !b.live || !b.t) {
		struct lnw_err err;

		fail(&b, "calloc", NULL, 0, sys_err(&err, "calloc", "timings", ENOMEM));
	} else {
		printf("scale total=%d per_bridge=%d bridges=%d warmup=%d\n", b.total, b.per_bridge,
		       b.nbridges, b.warmup);
		fflush(stdout);
		if (setup_host(&b) == 0 && warm_up(&b) == 0 && attach_all(&b) == 0) {
			print_hundreds(&b);
			fflush(stdout);
			if (live_ops(&b) == 0 && write_raw(&b) == 0 && teardown(&b) == 0)
				rc = 0;
		}
	}
	problems = cleanup(&b);
	if (rc == 0 && problems)
		rc = -1;
	else if (rc < 0 && problems)
		fprintf(stderr, "first error: %s\n", b.first);
	free(b.br);
	free(b.live);
	free(b.t);
	return rc < 0 ? 1 : 0;
}
