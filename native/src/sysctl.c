/*
 * sysctl.c - reading and writing /proc/sys inside a given network namespace.
 *
 * /proc/sys/net resolves to the network namespace of the task that *opens* the file, so
 * the open has to happen on a thread inside the target namespace (lnw_ns_run).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lnw_internal.h"

struct sysctl_job {
	const char *path;
	const char *key;
	const char *value;  /* write when not NULL */
	char *buf;          /* read into */
	int cap;
	int len;
};

static int key_check(const char *key, const char *op, struct lnw_err *err)
{
	if (!key || !*key || key[0] == '/' || strstr(key, ".."))
		return lnw_err_set(err, EINVAL, op, "key \"%s\"", key ? key : "");
	for (const char *p = key; *p; p++)
		if (!(('a' <= *p && *p <= 'z') || ('A' <= *p && *p <= 'Z') ||
		      ('0' <= *p && *p <= '9') || strchr("_-./@", *p)))
			return lnw_err_set(err, EINVAL, op, "key \"%s\" contains '%c'", key, *p);
	return 0;
}

static int sysctl_in_ns(void *arg, struct lnw_err *err)
{
	struct sysctl_job *job = arg;
	const char *op = job->value ? "write sysctl" : "read sysctl";
	int fd = open(job->path, (job->value ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return lnw_err_set(err, errno, op, "\"%s\"", job->key);
	if (job->value) {
		size_t len = strlen(job->value);

		n = write(fd, job->value, len);
		if (n < 0 || (size_t)n != len) {
			int saved = n < 0 ? errno : EIO;

			close(fd);
			return lnw_err_set(err, saved, op, "\"%s\" = \"%s\"", job->key, job->value);
		}
	} else {
		n = read(fd, job->buf, (size_t)job->cap - 1);
		if (n < 0) {
			int saved = errno;

			close(fd);
			return lnw_err_set(err, saved, op, "\"%s\"", job->key);
		}
		while (n > 0 && (job->buf[n - 1] == '\n'))
			n--;
		job->buf[n] = '\0';
		job->len = (int)n;
	}
	close(fd);
	return 0;
}

int lnw_sysctl_apply_here(const char *sysctls, const char *op, struct lnw_err *err)
{
	const char *line = sysctls;

	/* Bounded by the text: each round consumes one line. */
	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t len = end ? (size_t)(end - line) : strlen(line);
		char key[256], value[64], path[PATH_MAX];
		const char *eq = memchr(line, '=', len);
		struct sysctl_job job;
		int rc;

		if (len > 0) {
			if (!eq || (size_t)(eq - line) >= sizeof(key) ||
			    len - (size_t)(eq - line) - 1 >= sizeof(value))
				return lnw_err_set(err, EINVAL, op, "sysctl line \"%.*s\"", (int)len, line);
			memcpy(key, line, (size_t)(eq - line));
			key[eq - line] = '\0';
			memcpy(value, eq + 1, len - (size_t)(eq - line) - 1);
			value[len - (size_t)(eq - line) - 1] = '\0';
			if ((rc = key_check(key, op, err)) < 0)
				return rc;
			snprintf(path, sizeof(path), "/proc/sys/%s", key);
			job = (struct sysctl_job){ .path = path, .key = key, .value = value };
			if ((rc = sysctl_in_ns(&job, err)) < 0)
				return rc;
		}
		line = end ? end + 1 : NULL;
	}
	return 0;
}

static int run(int nsfd, struct sysctl_job *job, const char *op, struct lnw_err *err)
{
	char path[PATH_MAX];
	int rc;

	lnw_err_clear(err);
	if ((rc = key_check(job->key, op, err)) < 0)
		return rc;
	if (nsfd < 0)
		return lnw_err_set(err, EBADF, op, "namespace fd %d", nsfd);
	if (snprintf(path, sizeof(path), "/proc/sys/%s", job->key) >= (int)sizeof(path))
		return lnw_err_set(err, ENAMETOOLONG, op, "key \"%s\"", job->key);
	job->path = path;
	return lnw_ns_run(nsfd, sysctl_in_ns, job, err);
}

int lnw_sysctl_write(int nsfd, const char *key, const char *value, struct lnw_err *err)
{
	struct sysctl_job job = { .key = key, .value = value ? value : "" };

	return run(nsfd, &job, "write sysctl", err);
}

int lnw_sysctl_read(int nsfd, const char *key, char *buf, int cap, struct lnw_err *err)
{
	struct sysctl_job job = { .key = key, .buf = buf, .cap = cap };
	int rc;

	if (!buf || cap < 2) {
		lnw_err_clear(err);
		return lnw_err_set(err, EINVAL, "read sysctl", "buffer of %d bytes", cap);
	}
	rc = run(nsfd, &job, "read sysctl", err);
	return rc < 0 ? rc : job.len;
}

struct apply_job {
	const char *sysctls;
};

static int apply_in_ns(void *arg, struct lnw_err *err)
{
	return lnw_sysctl_apply_here(((struct apply_job *)arg)->sysctls, "write sysctl", err);
}

int lnw_sysctl_write_all(int nsfd, const char *sysctls, struct lnw_err *err)
{
	struct apply_job job = { .sysctls = sysctls };

	lnw_err_clear(err);
	if (nsfd < 0)
		return lnw_err_set(err, EBADF, "write sysctl", "namespace fd %d", nsfd);
	return lnw_ns_run(nsfd, apply_in_ns, &job, err);
}
