/*
 * lnw_wire.c - the client's half of the `lnw daemon` protocol (see lnw_wire.h), shared by
 * lnw-client and lnw-cni.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "lnw_wire.h"

#define MAX_FRAME (64u << 20)

/* Writes (out) or reads all of len bytes; -1 on an error or an early end. */
static int all(int fd, void *buf, size_t len, int out)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = out ? write(fd, p, len) : read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int put(int fd, const void *buf, size_t len)
{
	return all(fd, (void *)buf, len, 1);
}

static int get(int fd, void *buf, size_t len)
{
	return all(fd, buf, len, 0);
}

static int get_u32(int fd, uint32_t *v)
{
	if (get(fd, v, 4) < 0)
		return -1;
	*v = ntohl(*v);
	return 0;
}

/* A length-prefixed string, NUL-terminated (malloc'd), or NULL. */
static char *get_string(int fd)
{
	uint32_t len;
	char *s;

	if (get_u32(fd, &len) < 0 || len > MAX_FRAME || !(s = malloc(len + 1u)))
		return NULL;
	if (get(fd, s, len) < 0) {
		free(s);
		return NULL;
	}
	s[len] = '\0';
	return s;
}

/* The sandbox's resolv.conf and hosts over the machine's, in a mount namespace of this
 * process alone (mounts made private first, so that nothing propagates back), as a runtime
 * shows them to a container: names then resolve as they do in the container. */
static int show_sandbox_files(const char *resolv, const char *hosts)
{
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount(resolv, "/etc/resolv.conf", NULL, MS_BIND, NULL) < 0 ||
	    mount(hosts, "/etc/hosts", NULL, MS_BIND, NULL) < 0) {
		fprintf(stderr, "lnw: cannot show the sandbox's resolv.conf and hosts: %s\n", strerror(errno));
		return -1;
	}
	return 0;
}

/* `lnw exec`: the daemon found the sandbox; enter its network namespace and become the
 * command. This process is single-threaded, so setns() moves all of it. */
static int run_in_namespace(int fd)
{
	char *key = get_string(fd), *resolv = get_string(fd), *hosts = get_string(fd), **argv;
	uint32_t argc;
	int ns;

	if (!key || !resolv || !hosts || get_u32(fd, &argc) < 0 || argc == 0 || argc > 65536 ||
	    !(argv = calloc(argc + 1u, sizeof(*argv)))) {
		fprintf(stderr, "lnw: the daemon's answer was cut short\n");
		return 1;
	}
	for (uint32_t i = 0; i < argc; i++) {
		if (!(argv[i] = get_string(fd))) {
			fprintf(stderr, "lnw: the daemon's answer was cut short\n");
			return 1;
		}
	}
	close(fd);
	ns = open(key, O_RDONLY | O_CLOEXEC);
	if (ns < 0 || setns(ns, CLONE_NEWNET) < 0) {
		fprintf(stderr, "lnw: cannot enter the sandbox's namespace %s: %s\n", key, strerror(errno));
		return 1;
	}
	close(ns);
	if (show_sandbox_files(resolv, hosts) < 0)
		return 1;
	execvp(argv[0], argv);
	fprintf(stderr, "lnw: cannot run %s: %s\n", argv[0], strerror(errno));
	return errno == ENOENT ? 127 : 126;
}

/* The request, built whole and sent in one write: one system call, and the daemon reads it
 * in one piece rather than in 4-byte steps. */
struct req {
	char *buf;
	size_t len, cap;
};

static int req_add(struct req *r, const void *p, size_t n)
{
	if (r->len + n > r->cap) {
		size_t cap = r->cap ? r->cap : 4096;
		char *b;

		while (cap < r->len + n)
			cap *= 2;
		if (!(b = realloc(r->buf, cap)))
			return -1;
		r->buf = b;
		r->cap = cap;
	}
	memcpy(r->buf + r->len, p, n);
	r->len += n;
	return 0;
}

static int req_u32(struct req *r, uint32_t v)
{
	v = htonl(v);
	return req_add(r, &v, 4);
}

static int req_u64(struct req *r, uint64_t v)
{
	return req_u32(r, (uint32_t)(v >> 32)) || req_u32(r, (uint32_t)v) ? -1 : 0;
}

static int req_ns(struct req *r, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	return req_u64(r, (uint64_t)st.st_ino) || req_u64(r, (uint64_t)st.st_dev) ? -1 : 0;
}

int lnw_wire_send(const char *socket_path, int argc, char *const *argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct req r = { 0 };
	int fd, ok;

	if (strlen(socket_path) >= sizeof(addr.sun_path))
		return -1;
	strcpy(addr.sun_path, socket_path);
	ok = req_add(&r, "LNW1", 4) == 0 && req_ns(&r, "/proc/self/ns/net") == 0 &&
	     req_ns(&r, "/proc/self/ns/mnt") == 0 && req_u32(&r, (uint32_t)argc) == 0;
	for (int i = 0; ok && i < argc; i++) {
		size_t len = strlen(argv[i]);

		ok = req_u32(&r, (uint32_t)len) == 0 && req_add(&r, argv[i], len) == 0;
	}
	fd = ok ? socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0) : -1;
	if (fd >= 0 && connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		close(fd);
		fd = -1;
	}
	/* Until the whole request is sent the daemon has done nothing: falling back is safe. */
	if (fd >= 0 && put(fd, r.buf, r.len) < 0) {
		close(fd);
		fd = -1;
	}
	free(r.buf);
	return fd;
}

int lnw_wire_answer(int fd)
{
	for (;;) {
		unsigned char type;
		uint32_t code;
		char *text;

		if (get(fd, &type, 1) < 0) {
			fprintf(stderr, "lnw: the daemon closed the connection before answering\n");
			return 1;
		}
		switch (type) {
		case 'O':
		case 'E':
			if (!(text = get_string(fd))) {
				fprintf(stderr, "lnw: the daemon's answer was cut short\n");
				return 1;
			}
			fputs(text, type == 'O' ? stdout : stderr);
			free(text);
			/* at once: lnw events streams its lines, and a pipe would hold them back */
			if (type == 'O')
				fflush(stdout);
			break;
		case 'X':
			if (get_u32(fd, &code) < 0) {
				fprintf(stderr, "lnw: the daemon's answer was cut short\n");
				return 1;
			}
			fflush(stdout);
			return (int)code;
		case 'N':
			fflush(stdout);
			return run_in_namespace(fd);
		default:
			fprintf(stderr, "lnw: unknown answer from the daemon (%d)\n", type);
			return 1;
		}
	}
}
