/* Namespaces: anonymous and named creation, opening, identity, deletion, and errors. */
#include <sys/stat.h>

#include "t.h"

int main(void)
{
	struct lnw_err err;
	char dir[] = "/tmp/lnwt-netns-XXXXXX", path[256], plain[256];
	uint64_t a[2], b[2], self[2];
	int ns1 = t_netns(), ns2, named, reopened, own;

	/* two anonymous namespaces are distinct, and neither is ours */
	ns2 = t_netns();
	OK(lnw_netns_ident(ns1, a, &err), &err);
	OK(lnw_netns_ident(ns2, b, &err), &err);
	own = OK(lnw_netns_open("/proc/self/ns/net", &err), &err);
	OK(lnw_netns_ident(own, self, &err), &err);
	CHECK(a[1] != b[1]);
	CHECK(a[1] != self[1] && b[1] != self[1]);

	/* a named namespace is a bind mount: reopening the path gives the same namespace */
	CHECK(mkdtemp(dir) != NULL);
	named = OK(lnw_netns_create_at(dir, "lnwt-a", NULL, &err), &err);
	snprintf(path, sizeof(path), "%s/lnwt-a", dir);
	reopened = OK(lnw_netns_open(path, &err), &err);
	OK(lnw_netns_ident(named, a, &err), &err);
	OK(lnw_netns_ident(reopened, b, &err), &err);
	CHECK(a[0] == b[0] && a[1] == b[1]);
	CHECK(t_oracle_has(reopened, "ip -o link show", "lo:"));

	/* sysctls given at creation are in place before the namespace is visible */
	{
		int cfg = OK(lnw_netns_create_at(dir, "lnwt-cfg",
						 "net/ipv6/conf/default/disable_ipv6=1\n"
						 "net/ipv4/ip_forward=1\n", &err), &err);
		char p2[256];

		CHECK(t_oracle_has(cfg, "cat /proc/sys/net/ipv6/conf/default/disable_ipv6", "1"));
		CHECK(t_oracle_has(cfg, "cat /proc/sys/net/ipv4/ip_forward", "1"));
		close(cfg);
		snprintf(p2, sizeof(p2), "%s/lnwt-cfg", dir);
		OK(lnw_netns_delete(p2, &err), &err);
		/* a bad line fails the whole creation and leaves no file behind */
		FAILS(lnw_netns_create_at(dir, "lnwt-bad", "net/ipv4/nosuch=1\n", &err), ENOENT, &err);
		FAILS(lnw_netns_create_at(dir, "lnwt-bad", "no equals sign\n", &err), EINVAL, &err);
		snprintf(p2, sizeof(p2), "%s/lnwt-bad", dir);
		CHECK(access(p2, F_OK) != 0);
	}

	/* errors */
	FAILS(lnw_netns_create_at(dir, "lnwt-a", NULL, &err), EEXIST, &err);
	FAILS(lnw_netns_create_at(dir, "a/b", NULL, &err), EINVAL, &err);
	FAILS(lnw_netns_create_at(dir, "..", NULL, &err), EINVAL, &err);
	snprintf(plain, sizeof(plain), "%s/plain", dir);
	fclose(fopen(plain, "w"));
	FAILS(lnw_netns_open(plain, &err), EINVAL, &err);
	CHECK(strstr(err.msg, "not a network namespace") != NULL);
	unlink(plain);
	FAILS(lnw_netns_open("/nonexistent/lnwt", &err), ENOENT, &err);

	/* delete unmounts and unlinks; a second delete reports ENOENT; the fds stay valid */
	OK(lnw_netns_delete(path, &err), &err);
	FAILS(lnw_netns_delete(path, &err), ENOENT, &err);
	FAILS(lnw_netns_open(path, &err), ENOENT, &err);
	CHECK(access(path, F_OK) != 0);
	CHECK(t_oracle_has(named, "ip -o link show", "lo:"));

	OK(lnw_fd_close(named, &err), &err);
	OK(lnw_fd_close(reopened, &err), &err);
	OK(lnw_fd_close(own, &err), &err);
	OK(lnw_fd_close(ns1, &err), &err);
	OK(lnw_fd_close(ns2, &err), &err);
	FAILS(lnw_fd_close(ns2, &err), EBADF, &err);
	CHECK(rmdir(dir) == 0);
	return t_done("netns");
}
