/*
 * network_bench.c - the plain C floor for network create and network delete, using the native
 * core directly.
 *
 *   lnw-network-bench [N] [WARMUP]
 *       N networks measured (default 200) after WARMUP unmeasured ones (default 20); must run
 *       as root. LNW_BENCH_STEPS=1 in the environment adds one line per step.
 *
 * Everything happens in a fake host namespace this program makes (anonymous, loopback up).
 * Before the loop it is given what a controller with one other network has: that network's
 * bridge (10.201.0.1/16) and our nftables tables holding its elements, so each create and
 * delete below changes a few set elements and never makes or removes a table.
 *
 * Each round is the kernel work of the Java bridge driver, request for request, for
 * `newNetwork("bridge", name, subnet 10.202.0.0/24)` with the default options (masquerade
 * on, ICC on, no IPv6) and for `network.delete()`:
 *   create: look the bridge name up (absent); create the bridge (its own random MAC, multicast
 *           snooping off, not up, echoed back); write its sysctls in one visit (accept_ra=0,
 *           accept_dad=0, ip_forward=1, route_localnet=1); add the gateway 10.202.0.1/24 and
 *           set it up; read the nftables generation, add the network's five elements in one
 *           transaction, read the generation again (Firewall.sync);
 *   delete: generation, the five elements deleted in one transaction, generation; the bridge
 *           down and marked deleted in its alias, in one request: what the caller waits for.
 *   reap:   the bridge deleted (RTM_DELLINK, 30-40 ms of RCU waiting), which the driver does
 *           in the background; here synchronously after the delete, so that it never overlaps
 *           the next create (it holds the kernel's link lock for part of its time).
 * The nftables text is the one Ruleset.addNetwork/removeNetwork render for such a network.
 * Prints one line per phase: name, N, median, p90 (milliseconds).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>

#include "bench.h"

#define TABLE "inet libnetwork4j"

/* What Firewall.rebuild installs with the first network (Ruleset.userTable, Ruleset.full);
 * the elements of that network are appended by install_tables(). */
static const char USER_TABLE[] =
	"table inet libnetwork4j-user {\n"
	"\tchain forward {\n"
	"\t\ttype filter hook forward priority filter - 10; policy accept;\n"
	"\t}\n"
	"}\n";

static const char SKELETON[] =
	"add table inet libnetwork4j\n"
	"delete table inet libnetwork4j\n"
	"add table bridge libnetwork4j\n"
	"delete table bridge libnetwork4j\n"
	"table inet libnetwork4j {\n"
	"\tset bridges {\n\t\ttype ifname\n\t}\n"
	"\tset masq_bridges {\n\t\ttype ifname\n\t}\n"
	"\tmap snat4 {\n\t\ttype ifname : ipv4_addr\n\t}\n"
	"\tset internal_bridges {\n\t\ttype ifname\n\t}\n"
	"\tset intra {\n\t\ttype ifname . ifname\n\t}\n"
	"\tset nets4 {\n\t\ttype ipv4_addr . ifname\n\t\tflags interval\n\t}\n"
	"\tset nets6 {\n\t\ttype ipv6_addr . ifname\n\t\tflags interval\n\t}\n"
	"\tset gateways4 {\n\t\ttype ipv4_addr\n\t}\n"
	"\tset gateways6 {\n\t\ttype ipv6_addr\n\t}\n"
	"\tmap ports_any4 {\n\t\ttype inet_proto . inet_service : ipv4_addr . inet_service\n\t}\n"
	"\tmap ports_ip4 {\n\t\ttype ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service\n\t}\n"
	"\tmap ports_any6 {\n\t\ttype inet_proto . inet_service : ipv6_addr . inet_service\n\t}\n"
	"\tmap ports_ip6 {\n\t\ttype ipv6_addr . inet_proto . inet_service : ipv6_addr . inet_service\n\t}\n"
	"\tchain raw_prerouting {\n"
	"\t\ttype filter hook prerouting priority raw; policy accept;\n"
	"\t\tiifname != \"lo\" ip daddr 127.0.0.0/8 drop comment \"CVE-2020-8558: 127/8, ports published there included, only from the host itself\"\n"
	"\t}\n"
	"\tchain nat_prerouting {\n"
	"\t\ttype nat hook prerouting priority dstnat; policy accept;\n"
	"\t\tfib daddr type local jump published comment \"DNAT only what is addressed to this host (CVE-2025-67499)\"\n"
	"\t}\n"
	"\tchain nat_output {\n"
	"\t\ttype nat hook output priority -100; policy accept;\n"
	"\t\tfib daddr type local jump published comment \"published ports from the host itself\"\n"
	"\t}\n"
	"\tchain published {\n"
	"\t\tmeta nfproto ipv4 dnat ip addr . port to ip daddr . meta l4proto . th dport map @ports_ip4\n"
	"\t\tmeta nfproto ipv4 dnat ip addr . port to meta l4proto . th dport map @ports_any4\n"
	"\t\tmeta nfproto ipv6 dnat ip6 addr . port to ip6 daddr . meta l4proto . th dport map @ports_ip6\n"
	"\t\tmeta nfproto ipv6 dnat ip6 addr . port to meta l4proto . th dport map @ports_any6\n"
	"\t}\n"
	"\tchain input {\n"
	"\t\ttype filter hook input priority filter; policy accept;\n"
	"\t\tiifname != @bridges iifname != \"lo\" ip daddr @gateways4 drop comment \"bridge gateways are not reachable from outside\"\n"
	"\t\tiifname != @bridges iifname != \"lo\" ip6 daddr @gateways6 drop comment \"bridge gateways are not reachable from outside\"\n"
	"\t}\n"
	"\tchain forward {\n"
	"\t\ttype filter hook forward priority filter; policy accept;\n"
	"\t\toifname @bridges jump to_bridge\n"
	"\t\tiifname @internal_bridges drop comment \"internal networks: nothing leaves\"\n"
	"\t}\n"
	"\tchain to_bridge {\n"
	"\t\tiifname . oifname @intra accept comment \"within one network (bridged frames reach here with br_netfilter)\"\n"
	"\t\toifname @internal_bridges drop comment \"internal networks: nothing enters\"\n"
	"\t\tct state established,related accept\n"
	"\t\tct status dnat accept comment \"published ports\"\n"
	"\t\tdrop comment \"no direct access to containers: from other networks or from outside\"\n"
	"\t}\n"
	"\tchain nat_postrouting {\n"
	"\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
	"\t\tct status dnat ip saddr . oifname @nets4 masquerade comment \"a container to a port published by its own network (hairpin): replies must come back through the host\"\n"
	"\t\tct status dnat ip6 saddr . oifname @nets6 masquerade comment \"a container to a port published by its own network (hairpin): replies must come back through the host\"\n"
	"\t\toifname @bridges meta nfproto ipv4 ip saddr 127.0.0.0/8 masquerade comment \"the host to a port published on 127.0.0.1\"\n"
	"\t\toifname != @bridges iifname @bridges meta nfproto ipv4 snat ip to iifname map @snat4\n"
	"\t\toifname != @bridges iifname @masq_bridges masquerade\n"
	"\t}\n"
	"}\n"
	"table bridge libnetwork4j {\n"
	"\tchain forward {\n"
	"\t\ttype filter hook forward priority filter; policy accept;\n"
	"\t\toifname \"veth*\" icmpv6 type nd-router-advert drop comment \"containers obey no router advertisement (CVE-2020-13401)\"\n"
	"\t}\n"
	"\tchain output {\n"
	"\t\ttype filter hook output priority filter; policy accept;\n"
	"\t\toifname \"veth*\" icmpv6 type nd-router-advert drop comment \"containers obey no router advertisement (CVE-2020-13401)\"\n"
	"\t}\n"
	"}\n";

static const char REMOVE_ALL[] =
	"add table inet libnetwork4j\ndelete table inet libnetwork4j\n"
	"add table bridge libnetwork4j\ndelete table bridge libnetwork4j\n";

/* The steps timed apart (LNW_BENCH_STEPS=1). */
enum {
	C_FIND, C_BRIDGE, C_SYSCTL, C_ADDR, C_UP, C_GEN1, C_NFT, C_GEN2,
	D_GEN1, D_NFT, D_GEN2, D_RETIRE, NSTEPS
};
static const char *const STEP[NSTEPS] = {
	"create.findLink", "create.bridge", "create.sysctls", "create.addAddr", "create.setUp",
	"create.nftGen", "create.nftAdd", "create.nftGen2",
	"delete.nftGen", "delete.nftDelete", "delete.nftGen2", "delete.retire",
};

/* One network: what the driver knows of it. */
struct net {
	char id[65];
	char bridge[16];
	struct lnw_link br;
	const char *subnet;   /* "10.202.0.0/24" */
	unsigned char gw[4];
	int plen;
};

/* Ids.newId: 32 random bytes in hex; the bridge is Docker's br- + its first 12 digits. */
static void new_net(struct net *n, const char *subnet, int a, int b, int plen)
{
	unsigned char r[32];

	if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
		perror("getrandom");
		exit(1);
	}
	for (int i = 0; i < 32; i++)
		snprintf(n->id + 2 * i, 3, "%02x", r[i]);
	snprintf(n->bridge, sizeof(n->bridge), "br-%.12s", n->id);
	n->subnet = subnet;
	n->gw[0] = (unsigned char)a;
	n->gw[1] = (unsigned char)b;
	n->gw[2] = 0;
	n->gw[3] = 1;
	n->plen = plen;
}

/* Ruleset.addNetwork (verb "add", commented) or removeNetwork ("delete", keys only) for a
 * bridge network with masquerade and one IPv4 subnet. */
static void elements(char *buf, size_t cap, const struct net *n, int add)
{
	char c[96] = "";
	const char *verb = add ? "add" : "delete";

	if (add)
		snprintf(c, sizeof(c), " comment \"network %s\"", n->id);
	snprintf(buf, cap,
		 "%s element " TABLE " bridges { \"%s\"%s }\n"
		 "%s element " TABLE " intra { \"%s\" . \"%s\"%s }\n"
		 "%s element " TABLE " masq_bridges { \"%s\"%s }\n"
		 "%s element " TABLE " nets4 { %s . \"%s\"%s }\n"
		 "%s element " TABLE " gateways4 { %d.%d.%d.%d%s }\n",
		 verb, n->bridge, c, verb, n->bridge, n->bridge, c, verb, n->bridge, c,
		 verb, n->subnet, n->bridge, c,
		 verb, n->gw[0], n->gw[1], n->gw[2], n->gw[3], c);
}

/* Firewall.sync: the generation, the transaction, the generation again, which must have
 * moved by exactly our commit. t (may be NULL) gets the three durations. */
static void nft_sync(struct lnw_nft *nft, const char *text, double *t)
{
	struct lnw_err err;
	uint64_t before, after;
	double t0 = now_ms(), t1, t2;

	if (lnw_nft_generation(nft, &before, &err) < 0)
		die("nftables generation", &err);
	t1 = now_ms();
	if (lnw_nft_apply(nft, text, &err) < 0)
		die("nftables", &err);
	t2 = now_ms();
	if (lnw_nft_generation(nft, &after, &err) < 0)
		die("nftables generation", &err);
	if (after != before + 1) {
		fprintf(stderr, "nftables generation moved from %llu to %llu\n",
			(unsigned long long)before, (unsigned long long)after);
		exit(1);
	}
	if (t) {
		t[0] = t1 - t0;
		t[1] = t2 - t1;
		t[2] = now_ms() - t2;
	}
}

/* Our tables with the elements of one network, as Firewall.rebuild makes them for a
 * controller's first network (the administrator's table first). */
static void install_tables(struct lnw_nft *nft, const struct net *other)
{
	size_t len = sizeof(SKELETON) + 1024;
	char *text = malloc(len);
	struct lnw_err err;

	if (!text) {
		perror("malloc");
		exit(1);
	}
	memcpy(text, SKELETON, sizeof(SKELETON));
	elements(text + strlen(text), 1024, other, 1);
	if (lnw_nft_apply(nft, USER_TABLE, &err) < 0 || lnw_nft_apply(nft, text, &err) < 0)
		die("nftables tables", &err);
	free(text);
}

/* BridgeDriver.createNetwork; t (may be NULL) gets each step's duration. The first network
 * of a controller installs the tables instead of adding elements to them. */
static void create(struct lnw_nl *h, struct lnw_nft *nft, int hostns, int ipv6, int first,
		   struct net *n, double *t)
{
	struct lnw_addr gw = { .family = AF_INET, .scope = -1 };
	unsigned char mac[6];
	char sysctls[320], text[1024];
	struct lnw_link probe;
	struct lnw_err err;
	double t0 = now_ms(), t1;

	/* findLink: the name must be free or a bridge to adopt (never here) */
	if (lnw_link_get_by_name(h, n->bridge, &probe, &err) != -ENODEV)
		die("find bridge", &err);
	t1 = now_ms();
	if (t)
		t[C_FIND] = t1 - t0;
	t0 = t1;

	/* MacAddress.random: locally administered, unicast */
	if (getrandom(mac, sizeof(mac), 0) != (ssize_t)sizeof(mac)) {
		perror("getrandom");
		exit(1);
	}
	mac[0] = (unsigned char)((mac[0] & 0xfe) | 0x02);
	if (lnw_link_bridge_create(h, n->bridge, 0, 0, 0, mac, 6, &n->br, &err) < 0)
		die("bridge", &err);
	t1 = now_ms();
	if (t)
		t[C_BRIDGE] = t1 - t0;
	t0 = t1;

	/* bridgeSysctls, in one visit; the IPv6 keys only where the kernel has IPv6 */
	if (ipv6)
		snprintf(sysctls, sizeof(sysctls),
			 "net/ipv6/conf/%s/accept_ra=0\nnet/ipv6/conf/%s/accept_dad=0\n"
			 "net/ipv4/ip_forward=1\nnet/ipv4/conf/%s/route_localnet=1\n",
			 n->bridge, n->bridge, n->bridge);
	else
		snprintf(sysctls, sizeof(sysctls),
			 "net/ipv4/ip_forward=1\nnet/ipv4/conf/%s/route_localnet=1\n", n->bridge);
	if (lnw_sysctl_write_all(hostns, sysctls, &err) < 0)
		die("sysctls", &err);
	t1 = now_ms();
	if (t)
		t[C_SYSCTL] = t1 - t0;
	t0 = t1;

	/* a bridge just made has no address to look for: the gateway goes on, then up */
	gw.ifindex = n->br.index;
	gw.prefixlen = n->plen;
	memcpy(gw.addr, n->gw, 4);
	if (lnw_addr_add(h, &gw, &err) < 0)
		die("gateway", &err);
	t1 = now_ms();
	if (t)
		t[C_ADDR] = t1 - t0;
	t0 = t1;

	if (lnw_link_set_up(h, n->br.index, &err) < 0)
		die("up", &err);
	t1 = now_ms();
	if (t)
		t[C_UP] = t1 - t0;

	if (first) {
		install_tables(nft, n);
		return;
	}
	elements(text, sizeof(text), n, 1);
	nft_sync(nft, text, t ? t + C_GEN1 : NULL);
}

/* BridgeDriver.deleteNetwork: the firewall's elements, then the bridge down and marked
 * deleted (BridgeSetup.retire). */
static void delete(struct lnw_nl *h, struct lnw_nft *nft, struct net *n, double *t)
{
	char text[1024], alias[96];
	struct lnw_err err;
	double t0;

	elements(text, sizeof(text), n, 0);
	nft_sync(nft, text, t ? t + D_GEN1 : NULL);
	t0 = now_ms();
	snprintf(alias, sizeof(alias), "lnw4j deleted network=%s", n->id);
	if (lnw_link_configure(h, n->br.index, 0, alias, -1, -1, &err) < 0)
		die("retire bridge", &err);
	if (t)
		t[D_RETIRE] = now_ms() - t0;
}

/* What the driver leaves to its background thread: the kernel's delete of the bridge. */
static void reap(struct lnw_nl *h, struct net *n)
{
	struct lnw_err err;

	if (lnw_link_delete(h, n->br.index, &err) < 0)
		die("delete bridge", &err);
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 200;
	int warmup = argc > 2 ? atoi(argv[2]) : 20;
	int ipv6 = access("/proc/sys/net/ipv6", F_OK) == 0; /* Files.isDirectory in the JVM's */
	int steps = getenv("LNW_BENCH_STEPS") != NULL;
	double *t_create, *t_delete, *t_reap, *t_step, t0, t1, t2;
	struct net other, net;
	struct lnw_err err;
	struct lnw_nft *nft;
	struct lnw_nl *h;
	int hostns;

	if (n < 1 || warmup < 0 || n + warmup > 60000) {
		fprintf(stderr, "N must be 1..60000 and N + WARMUP at most 60000\n");
		return 2;
	}
	t_create = calloc((size_t)n, sizeof(double));
	t_delete = calloc((size_t)n, sizeof(double));
	t_reap = calloc((size_t)n, sizeof(double));
	t_step = calloc((size_t)n * NSTEPS, sizeof(double));
	if (!t_create || !t_delete || !t_reap || !t_step) {
		perror("calloc");
		return 1;
	}

	/* the fake host, as the Java benchmark's ControllerWorld makes it: loopback up */
	hostns = lnw_netns_create(NULL, &err);
	if (hostns < 0)
		die("fake host", &err);
	h = lnw_nl_open_at(hostns, &err);
	if (!h)
		die("fake host handle", &err);
	if (lnw_link_set_up(h, 1 /* lo */, &err) < 0)
		die("loopback", &err);
	nft = lnw_nft_open(hostns, &err);
	if (!nft)
		die("nftables", &err);
	/* the controller's other network ("bench", 10.201.0.0/16): its bridge and our tables */
	new_net(&other, "10.201.0.0/16", 10, 201, 16);
	create(h, nft, hostns, ipv6, 1, &other, NULL);

	for (int i = 0; i < warmup + n; i++) {
		double *t = i >= warmup ? t_step + (size_t)(i - warmup) * NSTEPS : NULL;

		new_net(&net, "10.202.0.0/24", 10, 202, 24);
		t0 = now_ms();
		create(h, nft, hostns, ipv6, 0, &net, t);
		t1 = now_ms();
		delete(h, nft, &net, t);
		t2 = now_ms();
		reap(h, &net);
		if (i >= warmup) {
			t_create[i - warmup] = t1 - t0;
			t_delete[i - warmup] = t2 - t1;
			t_reap[i - warmup] = now_ms() - t2;
		}
	}
	report("create", t_create, n);
	report("delete", t_delete, n);
	report("reap", t_reap, n);
	if (steps) {
		double *v = calloc((size_t)n, sizeof(double));

		for (int s = 0; v && s < NSTEPS; s++) {
			for (int i = 0; i < n; i++)
				v[i] = t_step[(size_t)i * NSTEPS + s];
			report(STEP[s], v, n);
		}
		free(v);
	}

	/* the tables go with the namespace; removed first anyway, as the last delete does */
	delete(h, nft, &other, NULL);
	reap(h, &other);
	if (lnw_nft_apply(nft, REMOVE_ALL, &err) < 0)
		die("nftables cleanup", &err);
	lnw_nft_close(nft);
	lnw_nl_close(h);
	lnw_fd_close(hostns, &err);
	free(t_create);
	free(t_delete);
	free(t_reap);
	free(t_step);
	return 0;
}
