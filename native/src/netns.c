/*
 * netns.c - creating, naming, opening and deleting network namespaces.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/nsfs.h>

#include "lnw_internal.h"

/* /proc/thread-self, not /proc/self: the namespace belongs to the thread, and /proc/self
 * names the process's main thread, which is in another one. */
#define THREAD_NETNS "/proc/thread-self/ns/net"

struct create_job {
	const char *bind_path;   /* NULL for an anonymous namespace */
	const char *sysctls;
	int fd;
};

/* Runs inside the new namespace, on the private thread of lnw_ns_run. */
static int create_in_ns(void *arg, struct lnw_err *err)
{
	struct create_job *job = arg;
	int rc;

	/* before the bind mount: nobody sees the namespace half-configured */
	rc = lnw_sysctl_apply_here(job->sysctls, "create namespace", err);
	if (rc < 0)
		return rc;
	if (job->bind_path &&
	    mount(THREAD_NETNS, job->bind_path, "none", MS_BIND, NULL) < 0)
		return lnw_err_set(err, errno, "create namespace", "bind mount on \"%s\"",
				   job->bind_path);

	job->fd = open(THREAD_NETNS, O_RDONLY | O_CLOEXEC);
	if (job->fd < 0) {
		int saved = errno;

		if (job->bind_path)
			umount2(job->bind_path, MNT_DETACH);
		return lnw_err_set(err, saved, "create namespace", "open %s", THREAD_NETNS);
	}
	return 0;
}

int lnw_netns_create(const char *sysctls, struct lnw_err *err)
{
	struct create_job job = { .bind_path = NULL, .sysctls = sysctls, .fd = -1 };
	int rc;

	lnw_err_clear(err);
	rc = lnw_ns_run(-1, create_in_ns, &job, err);
	return rc < 0 ? rc : job.fd;
}

static int mkdir_p(const char *dir, struct lnw_err *err)
{
	char path[PATH_MAX];
	size_t len = strlen(dir);

	if (len == 0 || len >= sizeof(path))
		return lnw_err_set(err, EINVAL, "create namespace", "run directory \"%s\"", dir);
	memcpy(path, dir, len + 1);
	for (char *p = path + 1; ; p++) {
		if (*p == '/' || *p == '\0') {
			char saved = *p;

			*p = '\0';
			if (mkdir(path, 0755) < 0 && errno != EEXIST)
				return lnw_err_set(err, errno, "create namespace",
						   "run directory \"%s\"", path);
			*p = saved;
			if (saved == '\0')
				break;
		}
	}
	return 0;
}

int lnw_netns_create_at(const char *dir, const char *name, const char *sysctls,
                        struct lnw_err *err)
{
	char path[PATH_MAX];
	struct create_job job = { .bind_path = path, .sysctls = sysctls, .fd = -1 };
	int fd, rc;

	lnw_err_clear(err);
	if (!name || !*name || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return lnw_err_set(err, EINVAL, "create namespace", "name \"%s\"",
				   name ? name : "");
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return lnw_err_set(err, ENAMETOOLONG, "create namespace", "\"%s/%s\"", dir, name);
	rc = mkdir_p(dir, err);
	if (rc < 0)
		return rc;

	/* O_EXCL makes the name the lock: two creators of one name cannot both win. */
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
	if (fd < 0)
		return lnw_err_set(err, errno, "create namespace", "\"%s\"", path);
	close(fd);

	rc = lnw_ns_run(-1, create_in_ns, &job, err);
	if (rc < 0) {
		unlink(path);
		return rc;
	}
	return job.fd;
}

int lnw_netns_open(const char *path, struct lnw_err *err)
{
	int fd, type;

	lnw_err_clear(err);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return lnw_err_set(err, errno, "open namespace", "\"%s\"", path);
	/* A namespace file whose bind mount is gone is an ordinary empty file: refuse it
	 * rather than hand out an fd that setns() would reject much later. */
	type = ioctl(fd, NS_GET_NSTYPE);
	if (type != CLONE_NEWNET) {
		close(fd);
		return lnw_err_set(err, EINVAL, "open namespace",
				   "\"%s\" is not a network namespace", path);
	}
	return fd;
}

int lnw_netns_delete(const char *path, struct lnw_err *err)
{
	struct stat st;

	lnw_err_clear(err);
	if (lstat(path, &st) < 0)
		return lnw_err_set(err, errno, "delete namespace", "\"%s\"", path);
	/* MNT_DETACH: fds and processes still inside keep the namespace alive; the name goes
	 * now. EINVAL means it was not mounted (a half-made or already unmounted entry). */
	if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL)
		return lnw_err_set(err, errno, "delete namespace", "unmount \"%s\"", path);
	if (unlink(path) < 0 && errno != ENOENT)
		return lnw_err_set(err, errno, "delete namespace", "unlink \"%s\"", path);
	return 0;
}

int lnw_netns_ident(int nsfd, uint64_t *out, struct lnw_err *err)
{
	struct stat st;

	lnw_err_clear(err);
	if (fstat(nsfd, &st) < 0)
		return lnw_err_set(err, errno, "identify namespace", "fd %d", nsfd);
	out[0] = (uint64_t)st.st_dev;
	out[1] = (uint64_t)st.st_ino;
	return 0;
}

int lnw_fd_close(int fd, struct lnw_err *err)
{
	lnw_err_clear(err);
	/* Linux closes the fd even when close() reports EINTR: never retry. */
	if (close(fd) < 0 && errno != EINTR)
		return lnw_err_set(err, errno, "close", "fd %d", fd);
	return 0;
}

int lnw_netns_enter_thread(int nsfd, struct lnw_err *err)
{
	lnw_err_clear(err);
	/* CLONE_NEWNET is the one namespace a thread of a multithreaded process may enter alone
	 * (mount and user namespaces refuse); the other threads of the process stay where they
	 * are. */
	if (setns(nsfd, CLONE_NEWNET) < 0)
		return lnw_err_set(err, errno, "enter namespace", "fd %d", nsfd);
	return 0;
}
