/* Work for the namespace the caller is in already runs on the caller's thread (no private
 * thread): it must do the same as through one. The test moves itself into a throwaway
 * namespace first, so that "the caller's namespace" is never the machine's. */
#define _GNU_SOURCE
#include <sched.h>
#include <netinet/in.h>

#include "t.h"

int main(void)
{
	struct lnw_err err;
	struct lnw_nft *nft;
	char buf[64];
	int here, port, bound = 0;
	uint64_t g0, g1;

	if (unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "SKIP: cannot create network namespaces: %s\n", strerror(errno));
		return 77;
	}
	here = OK(lnw_netns_open("/proc/thread-self/ns/net", &err), &err);

	OK(lnw_sysctl_write(here, "net/ipv4/ip_forward", "1", &err), &err);
	OK(lnw_sysctl_read(here, "net/ipv4/ip_forward", buf, sizeof(buf), &err), &err);
	CHECK(buf[0] == '1');
	CHECK(t_oracle_has(here, "cat /proc/sys/net/ipv4/ip_forward", "1"));

	port = OK(lnw_port_reserve(here, AF_INET, IPPROTO_TCP, NULL, 0, 0, &bound, &err), &err);
	CHECK(bound > 0);
	/* the port is taken in this namespace */
	FAILS(lnw_port_reserve(here, AF_INET, IPPROTO_TCP, NULL, 0, bound, NULL, &err), EADDRINUSE,
	      &err);
	close(port);

	nft = lnw_nft_open(here, &err);
	CHECK(nft != NULL);
	if (nft) {
		OK(lnw_nft_generation(nft, &g0, &err), &err);
		OK(lnw_nft_apply(nft, "add table inet lnwt-here", &err), &err);
		OK(lnw_nft_generation(nft, &g1, &err), &err);
		CHECK(g1 == g0 + 1);
		CHECK(t_oracle_has(here, "nft list tables", "lnwt-here"));
		lnw_nft_close(nft);
	}
	close(here);
	return t_done("same_ns");
}
