/* Namespaces: anonymous and named creation, opening, identity, deletion, and errors. */
#include <pthread.h>
#include <sys/stat.h>

#include "t.h"

struct enter_job {
	int nsfd;
	int rc;
	uint64_t seen[2];
};

/* Enters the namespace for good, then reads where this thread is. */
static void *enter_and_look(void *arg)
{
	struct enter_job *job = arg;
	struct lnw_err err;
	int fd;

	job->rc = lnw_netns_enter_thread(job->nsfd, &err);
	if (job->rc < 0)
		return NULL;
	fd = lnw_netns_open("/proc/thread-self/ns/net", &err);
	if (fd >= 0) {
		lnw_netns_ident(fd, job->seen, &err);
		close(fd);
	}
	return NULL;
}

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

	/* a thread that enters moves alone: its own namespace file changes, the process's not */
	{
		struct enter_job job = { .nsfd = named };
		pthread_t t;
		uint64_t after[2];
		int mine;

		CHECK(pthread_create(&t, NULL, enter_and_look, &job) == 0);
		CHECK(pthread_join(t, NULL) == 0);
		CHECK(job.rc == 0);
		CHECK(job.seen[0] == a[0] && job.seen[1] == a[1]);
		mine = OK(lnw_netns_open("/proc/thread-self/ns/net", &err), &err);
		OK(lnw_netns_ident(mine, after, &err), &err);
		close(mine);
		CHECK(after[1] == self[1]);
		job.nsfd = -1;
		CHECK(pthread_create(&t, NULL, enter_and_look, &job) == 0);
		CHECK(pthread_join(t, NULL) == 0);
		CHECK(job.rc == -EBADF);
	}

	OK(lnw_fd_close(named, &err), &err);
	OK(lnw_fd_close(reopened, &err), &err);
	OK(lnw_fd_close(own, &err), &err);
	OK(lnw_fd_close(ns1, &err), &err);
	OK(lnw_fd_close(ns2, &err), &err);
	FAILS(lnw_fd_close(ns2, &err), EBADF, &err);
	CHECK(rmdir(dir) == 0);
	return t_done("netns");
}
