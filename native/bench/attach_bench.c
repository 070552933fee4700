/*
 * attach_bench.c - the plain C floor for attach and detach, using the native core directly.
 *
 *   lnw-attach-bench [N] [WARMUP] [RUNDIR]
 *       N containers measured (default 200) after WARMUP unmeasured ones (default 0);
 *       must run as root.
 *
 * Everything happens in namespaces this program makes: a fake host (anonymous) holding a
 * bridge with the gateway address, and N containers, named under RUNDIR (default
 * /run/lnw-bench-<pid>) like the Java facade's sandboxes.
 *   sandbox (timed apart): create the named namespace, open a netlink handle in it, bring
 *           loopback up (a sandbox needs it; its kernel side effects overlap the attach,
 *           as they do for a real sandbox); its directory with a hosts file and a resolv.conf
 *           naming the host's nameserver, as the controller makes them;
 *   attach: veth pair with the host end on the bridge and up and the peer born in the
 *           container as eth0 with its MAC (both ends re-read); the host end's alias (its
 *           owner, as the bridge driver names it) and no IPv6 link-local on it, in one request;
 *           no IPv6 link-local on eth0, the IPv4 address, eth0 up, the default route via the
 *           gateway; the host end and the bridge settled; resolv.conf rewritten in place to
 *           name the network's resolver (the hosts file does not change: no hostname) -
 *           exactly the kernel work of the Java benchmarks;
 *   detach: close the handle, unmount and unlink the namespace (the kernel removes the
 *           pair with it, asynchronously); the files and their directory removed.
 * Prints one line per phase: name, N, median, p90 (milliseconds).
 *
 * Two knobs, for taking the floor apart (benchmarks/RESULTS.md, issue 13):
 *   LNW_BENCH_STEPS=1      also a line per step of the attach (veth, host end, sandbox's
 *                          end, settle, files);
 *   LNW_BENCH_EVICT_KB=K   before each attach, write one byte in every cache line of a K KiB
 *                          buffer: the cache a library's own work leaves the kernel, which the
 *                          floor's attach otherwise finds warm from the sandbox just made.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "bench.h"

#define STEPS 5

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200;
	int warmup = argc > 2 ? atoi(argv[2]) : 0;
	char rundir[128], name[32], path[192], dir[200], hosts[224], resolv[224];
	double *t_sandbox, *t_attach, *t_detach, *t_step[STEPS];
	static const char *const step_names[STEPS] = { "a.veth", "a.hostend", "a.sandbox", "a.settle",
						       "a.files" };
	/* the controller's: the host's nameserver at the sandbox's birth, the network's resolver
	 * (its gateway) once joined; and the hosts file it writes without a hostname */
	static const char host_resolv[] = "nameserver 192.0.2.53\n";
	static const char net_resolv[] = "nameserver 10.200.0.1\noptions ndots:0\n";
	static const char hosts_file[] = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
					 "fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\n"
					 "ff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n";
	int steps = getenv("LNW_BENCH_STEPS") && !strcmp(getenv("LNW_BENCH_STEPS"), "1");
	size_t evict = getenv("LNW_BENCH_EVICT_KB") ? (size_t)atol(getenv("LNW_BENCH_EVICT_KB")) << 10 : 0;
	volatile unsigned char *evict_buf = NULL;
	struct lnw_link br, host, peer;
	struct lnw_addr gw = { .family = AF_INET, .prefixlen = 16, .scope = -1 };
	/* left to the kernel, the bridge's address would follow the lowest port address as ports
	 * come and go, with notifications each time */
	static const unsigned char brmac[6] = { 0x02, 0x6c, 0x6e, 0x77, 0x00, 0x01 };
	struct lnw_err err;
	struct lnw_nl *h;
	int hostns, status = 0;

	if (n < 1 || warmup < 0 || n + warmup > 60000) {
		fprintf(stderr, "N must be 1..60000 and N + WARMUP at most 60000\n");
		return 2;
	}
	if (argc > 3)
		snprintf(rundir, sizeof(rundir), "%s", argv[3]);
	else
		snprintf(rundir, sizeof(rundir), "/run/lnw-bench-%d", getpid());
	t_sandbox = calloc((size_t)n, sizeof(double));
	t_attach = calloc((size_t)n, sizeof(double));
	t_detach = calloc((size_t)n, sizeof(double));
	for (int k = 0; k < STEPS; k++)
		t_step[k] = calloc((size_t)n, sizeof(double));
	if (evict && !(evict_buf = calloc(evict, 1))) {
		fprintf(stderr, "LNW_BENCH_EVICT_KB: out of memory\n");
		return 2;
	}

	hostns = lnw_netns_create(NULL, &err);
	if (hostns < 0)
		die("fake host", &err);
	h = lnw_nl_open_at(hostns, &err);
	if (!h)
		die("fake host handle", &err);
	/* an address of its own, as the bridge driver gives its bridges */
	if (lnw_link_bridge_create(h, "lnwb-br0", 0, 1, 1, brmac, 6, &br, &err) < 0)
		die("bridge", &err);
	gw.ifindex = br.index;
	inet_pton(AF_INET, "10.200.0.1", gw.addr);
	if (lnw_addr_add(h, &gw, &err) < 0)
		die("gateway", &err);

	for (int i = 0; i < warmup + n; i++) {
		struct lnw_addr a = { .family = AF_INET, .prefixlen = 16, .scope = -1 };
		struct lnw_route r = { .family = AF_INET, .scope = -1, .priority = -1,
				       .has_gateway = 1 };
		char vname[16], alias[192];
		unsigned char mac[6] = { 0x02, 0x42, 10, 200, 0, 0 };
		struct lnw_nl *c;
		double t0, t1, t2, t_evicted, ts[STEPS];
		int ns;

		snprintf(name, sizeof(name), "lnwb-%d", i);
		snprintf(vname, sizeof(vname), "lnwb-v%d", i);
		snprintf(path, sizeof(path), "%s/%s", rundir, name);
		snprintf(dir, sizeof(dir), "%s.d", path);
		snprintf(hosts, sizeof(hosts), "%s/hosts", dir);
		snprintf(resolv, sizeof(resolv), "%s/resolv.conf", dir);

		t0 = now_ms();
		ns = lnw_netns_create_at(rundir, name, NULL, &err);
		if (ns < 0)
			die("sandbox", &err);
		c = lnw_nl_open_at(ns, &err);
		if (!c)
			die("sandbox handle", &err);
		if (lnw_link_set_up(c, 1 /* lo: always ifindex 1 in a new namespace */, &err) < 0)
			die("loopback", &err);
		if (mkdir(dir, 0755) < 0) {
			perror(dir);
			return 1;
		}
		if (lnw_file_rewrite(hosts, (const unsigned char *)hosts_file, sizeof(hosts_file) - 1,
				     &err) < 0 ||
		    lnw_file_rewrite(resolv, (const unsigned char *)host_resolv, sizeof(host_resolv) - 1,
				     &err) < 0)
			die("sandbox files", &err);
		t1 = now_ms();
		if (evict) {
			/* between the phases, in neither one's time */
			for (size_t k = 0; k < evict; k += 64)
				evict_buf[k]++;
			t_evicted = now_ms();
		} else {
			t_evicted = t1;
		}

		a.addr[0] = 10; a.addr[1] = 200; a.addr[2] = (unsigned char)((i + 2) >> 8);
		a.addr[3] = (unsigned char)((i + 2) & 0xff);
		mac[4] = a.addr[2];
		mac[5] = a.addr[3]; /* Docker's: 02:42 and the IPv4 address */
		/* as long as the controller's: two 64-digit ids and the join's priority */
		snprintf(alias, sizeof(alias), "lnw4j endpoint=%064d sandbox=%064d priority=0", i, i);
		if (lnw_link_veth_create(h, vname, c, "eth0", br.index, 0, 1, mac, 6, &host, &peer,
					 &err) < 0)
			die("veth", &err);
		ts[0] = now_ms();
		if (lnw_link_configure(h, host.index, -1, alias, 1 /* addrgenmode none */, -1, &err) < 0)
			die("host end", &err);
		ts[1] = now_ms();
		/* as the controller's batch: no link-local on eth0, before it is up */
		if (lnw_link_set_addr_gen_mode(c, peer.index, 1 /* none */, &err) < 0)
			die("addrgenmode", &err);
		a.ifindex = peer.index;
		if (lnw_addr_add(c, &a, &err) < 0)
			die("address", &err);
		if (lnw_link_set_up(c, peer.index, &err) < 0)
			die("up", &err);
		r.oif = peer.index;
		memcpy(r.gateway, gw.addr, 4);
		if (lnw_route_add(c, &r, &err) < 0)
			die("route", &err);
		ts[2] = now_ms();
		/* as the bridge driver does: the host end's and the bridge's queues attached now,
		 * not by the kernel's link-watch worker later (see lnw_link_settle) */
		if (lnw_link_settle(h, vname, &err) < 0 || lnw_link_settle(h, "lnwb-br0", &err) < 0)
			die("settle", &err);
		ts[3] = now_ms();
		/* as the controller's join: after the interface, the network's resolver named */
		if (lnw_file_rewrite(resolv, (const unsigned char *)net_resolv, sizeof(net_resolv) - 1,
				     &err) < 0)
			die("resolv.conf", &err);
		t2 = now_ms();
		if (i >= warmup) {
			t_sandbox[i - warmup] = t1 - t0;
			t_attach[i - warmup] = t2 - t_evicted;
			ts[4] = t2;
			for (int k = 0; k < STEPS; k++)
				t_step[k][i - warmup] = ts[k] - (k ? ts[k - 1] : t_evicted);
		}

		t0 = now_ms();
		lnw_nl_close(c);
		if (lnw_netns_delete(path, &err) < 0)
			die("detach", &err);
		lnw_fd_close(ns, &err);
		if (unlink(hosts) < 0 || unlink(resolv) < 0 || rmdir(dir) < 0) {
			perror(dir);
			return 1;
		}
		if (i >= warmup)
			t_detach[i - warmup] = now_ms() - t0;
	}
	if (getenv("LNW_BENCH_RAW")) {
		/* every measurement, for the side-by-side harness (benchmarks/peers) */
		FILE *raw = fopen(getenv("LNW_BENCH_RAW"), "a");

		if (!raw) {
			perror(getenv("LNW_BENCH_RAW"));
			return 1;
		}
		for (int i = 0; i < n; i++)
			fprintf(raw, "c,sandbox,%d,%.1f\nc,attach,%d,%.1f\nc,detach,%d,%.1f\n", i,
				t_sandbox[i] * 1000, i, t_attach[i] * 1000, i, t_detach[i] * 1000);
		fclose(raw);
	}
	if (steps)
		for (int k = 0; k < STEPS; k++)
			report(step_names[k], t_step[k], n);
	report("sandbox", t_sandbox, n);
	report("attach", t_attach, n);
	report("detach", t_detach, n);

	lnw_nl_close(h);
	lnw_fd_close(hostns, &err);
	if (rmdir(rundir) < 0 && errno != ENOENT) {
		perror(rundir);
		status = 1;
	}
	free(t_sandbox);
	free(t_attach);
	free(t_detach);
	for (int k = 0; k < STEPS; k++)
		free(t_step[k]);
	free((void *)evict_buf);
	return status;
}
