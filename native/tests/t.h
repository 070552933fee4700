/*
 * t.h - the few helpers the C tests share.
 *
 * Every test works inside anonymous namespaces it creates itself (a "host" and, where
 * needed, a "container"); nothing touches the namespace the test process runs in. Without
 * the privilege to create namespaces a test exits 77, which ctest reports as skipped.
 * The independent oracle is iproute2 run inside the namespace through nsenter.
 */
#ifndef LNW_T_H
#define LNW_T_H

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "lnw.h"

static int t_failures;

#define CHECK(cond)                                                                   \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
			t_failures++;                                                 \
		}                                                                     \
	} while (0)

/* Evaluates a core call that must succeed; reports its struct lnw_err if it does not. */
#define OK(expr, errp)                                                                \
	({                                                                            \
		long _rc = (long)(expr);                                              \
		if (_rc < 0) {                                                        \
			fprintf(stderr, "%s:%d: %s failed: %s: %s\n", __FILE__, __LINE__, \
				#expr, (errp)->op, (errp)->msg);                      \
			t_failures++;                                                 \
		}                                                                     \
		_rc;                                                                  \
	})

/* A core call that must fail with errno `code`. */
#define FAILS(expr, want, errp)                                                       \
	do {                                                                          \
		long _rc = (long)(expr);                                              \
		if (_rc != -(want) || (errp)->code != (want)) {                       \
			fprintf(stderr, "%s:%d: %s: want -%d, got %ld (err %d: %s)\n",    \
				__FILE__, __LINE__, #expr, (want), _rc, (errp)->code,     \
				(errp)->msg);                                         \
			t_failures++;                                                 \
		}                                                                     \
	} while (0)

/* An IPv4 address ip/plen on ifindex, the kernel choosing its scope. */
static inline struct lnw_addr t_v4(int ifindex, const char *ip, int plen)
{
	struct lnw_addr a = { .ifindex = ifindex, .family = AF_INET, .prefixlen = plen, .scope = -1 };

	inet_pton(AF_INET, ip, a.addr);
	return a;
}

/* `ip route add default via gw dev oif` (IPv4). */
static inline struct lnw_route t_default_via(int oif, const char *gw)
{
	struct lnw_route r = { .family = AF_INET, .scope = -1, .priority = -1, .has_gateway = 1,
			       .oif = oif };

	inet_pton(AF_INET, gw, r.gateway);
	return r;
}

/* A new anonymous namespace, or exit 77 when this process may not make one. */
static inline int t_netns(void)
{
	struct lnw_err err;
	int fd = lnw_netns_create(NULL, &err);

	if (fd < 0) {
		if (err.code == EPERM) {
			fprintf(stderr, "SKIP: cannot create network namespaces: %s\n", err.msg);
			exit(77);
		}
		fprintf(stderr, "cannot create a namespace: %s\n", err.msg);
		exit(1);
	}
	return fd;
}

/* Runs `cmd` inside the namespace nsfd refers to and returns its stdout (malloc'd). */
static inline char *t_oracle(int nsfd, const char *cmd)
{
	char line[512];
	size_t cap = 4096, len = 0;
	char *out = calloc(1, cap);
	FILE *p;

	snprintf(line, sizeof(line), "nsenter --net=/proc/%d/fd/%d %s 2>&1", getpid(), nsfd, cmd);
	p = popen(line, "r");
	if (!p || !out)
		return out;
	while (fgets(line, sizeof(line), p)) {
		size_t n = strlen(line);

		if (len + n + 1 > cap) {
			cap = 2 * (len + n + 1);
			out = realloc(out, cap);
		}
		memcpy(out + len, line, n + 1);
		len += n;
	}
	pclose(p);
	return out;
}

/* Does `cmd` inside the namespace print `needle`? */
static inline int t_oracle_has(int nsfd, const char *cmd, const char *needle)
{
	char *out = t_oracle(nsfd, cmd);
	int found = out && strstr(out, needle) != NULL;

	if (!found)
		fprintf(stderr, "oracle `%s` lacks \"%s\":\n%s\n", cmd, needle, out ? out : "");
	free(out);
	return found;
}

/* Does `cmd` inside the namespace print nothing containing `needle`? */
static inline int t_oracle_lacks(int nsfd, const char *cmd, const char *needle)
{
	char *out = t_oracle(nsfd, cmd);
	int absent = out && strstr(out, needle) == NULL;

	if (!absent)
		fprintf(stderr, "oracle `%s` still shows \"%s\":\n%s\n", cmd, needle, out ? out : "");
	free(out);
	return absent;
}

/* How many times does `cmd` inside the namespace print `needle`? */
static inline int t_oracle_count(int nsfd, const char *cmd, const char *needle)
{
	char *out = t_oracle(nsfd, cmd);
	int n = 0;

	for (const char *at = out; at && (at = strstr(at, needle)) != NULL; at += strlen(needle))
		n++;
	if (!n)
		fprintf(stderr, "oracle `%s` lacks \"%s\":\n%s\n", cmd, needle, out ? out : "");
	free(out);
	return n;
}

static inline int t_done(const char *name)
{
	if (t_failures) {
		fprintf(stderr, "%s: %d check(s) failed\n", name, t_failures);
		return 1;
	}
	printf("%s: ok\n", name);
	return 0;
}

#endif
