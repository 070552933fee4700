/* libnftables waits for answers with select(), which aborts the process for a descriptor of
 * 1024 or more: a process with more descriptors open than that (a JVM with many sockets)
 * must still get working contexts, or a clean EMFILE, never an abort. */
#include "t.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/select.h>

int main(void)
{
	struct lnw_err err;
	struct rlimit rl;
	int ns = t_netns(), taken = 0;
	struct lnw_nft *nft, *second;

	/* every number below FD_SETSIZE taken, as in a busy daemon */
	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0);
	if (rl.rlim_max < FD_SETSIZE + 64) {
		fprintf(stderr, "nft_fds: descriptor limit %lu too low for the test\n",
			(unsigned long)rl.rlim_max);
		return 77;
	}
	rl.rlim_cur = rl.rlim_max;
	CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
	for (int i = 0; i < FD_SETSIZE + 16; i++) {
		int fd = fcntl(0, F_DUPFD_CLOEXEC, 0);

		CHECK(fd >= 0);
		if (fd < 0)
			break;
		taken = fd;
	}
	CHECK(taken >= FD_SETSIZE);

	/* the descriptor held in reserve since the library loaded serves the first context */
	nft = lnw_nft_open(ns, &err);
	CHECK(nft != NULL);
	if (nft) {
		OK(lnw_nft_apply(nft, "add table inet lnwt-high", &err), &err);
		CHECK(t_oracle_has(ns, "nft list tables", "lnwt-high"));
	}

	/* with no low number left, the next one is refused, cleanly */
	second = lnw_nft_open(ns, &err);
	CHECK(second == NULL);
	CHECK(err.code == EMFILE && strstr(err.msg, "select") != NULL);

	/* one number freed below 1024 (one of the copies above): the context gets it */
	CHECK(close(100) == 0);
	second = lnw_nft_open(ns, &err);
	CHECK(second != NULL);
	if (second) {
		OK(lnw_nft_apply(second, "delete table inet lnwt-high", &err), &err);
		CHECK(t_oracle_lacks(ns, "nft list tables", "lnwt-high"));
		lnw_nft_close(second);
	}
	/* closed and opened again, and again: each context gets a low number */
	for (int round = 0; round < 3; round++) {
		lnw_nft_close(nft);
		nft = lnw_nft_open(ns, &err);
		CHECK(nft != NULL);
		if (!nft)
			break;
		OK(lnw_nft_apply(nft, "add table inet lnwt-again\ndelete table inet lnwt-again", &err), &err);
	}
	lnw_nft_close(nft);
	close(ns);
	return t_done("nft_fds");
}
