/*
 * lnw_client.c - the thin client of `lnw daemon`: hands its command line to the daemon that
 * holds the state directory's controller, prints what comes back, exits with its code.
 *
 *   lnw-client SOCKET N ARG1..ARGN FALLBACK...
 *
 * Started by the `lnw` launcher when SOCKET (STATE_DIR/lnw.sock) exists. When nobody answers
 * on it (a daemon that died, kill -9 included, leaves the file) it becomes FALLBACK, the
 * launcher's JVM command line for the same arguments, as if there had been no daemon.
 *
 * Wire format (all integers big-endian u32 unless said):
 *   request:  "LNW1", netns inode, netns dev, mntns inode, mntns dev (u64 each), argc, then
 *             per argument its length and bytes;
 *   response: frames of one type byte: 'O'/'E' + length + bytes (stdout/stderr text),
 *             'X' + exit code (the last frame), or 'N' + key length + key + argc + arguments:
 *             run that command inside the network namespace at key (`lnw exec`), here, with
 *             this process's stdio. The namespaces are sent because the daemon works for the
 *             namespace it was started in and refuses callers from any other.
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

static int put_u32(int fd, uint32_t v)
{
	v = htonl(v);
	return put(fd, &v, 4);
}

static int put_u64(int fd, uint64_t v)
{
	return put_u32(fd, (uint32_t)(v >> 32)) || put_u32(fd, (uint32_t)v) ? -1 : 0;
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

static int send_ns(int fd, const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return -1;
	return put_u64(fd, (uint64_t)st.st_ino) || put_u64(fd, (uint64_t)st.st_dev) ? -1 : 0;
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

/* Nobody answers: run the command as if there were no daemon. */
static int fall_back(char **fallback)
{
	if (!fallback[0]) {
		fprintf(stderr, "lnw: no daemon answers and no command to fall back to\n");
		return 1;
	}
	execvp(fallback[0], fallback);
	fprintf(stderr, "lnw: cannot run %s: %s\n", fallback[0], strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char **args, **fallback, *end;
	long n;
	int fd;

	if (argc < 3 || (n = strtol(argv[2], &end, 10)) < 0 || *end || n > argc - 3) {
		fprintf(stderr, "usage: lnw-client SOCKET N ARG1..ARGN FALLBACK...\n");
		return 2;
	}
	args = argv + 3;
	fallback = args + n;
	if (strlen(argv[1]) >= sizeof(addr.sun_path))
		return fall_back(fallback);
	strcpy(addr.sun_path, argv[1]);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return fall_back(fallback);

	/* Until the whole request is sent the daemon has done nothing: falling back is safe. */
	if (put(fd, "LNW1", 4) < 0 || send_ns(fd, "/proc/self/ns/net") < 0 ||
	    send_ns(fd, "/proc/self/ns/mnt") < 0 || put_u32(fd, (uint32_t)n) < 0)
		return fall_back(fallback);
	for (long i = 0; i < n; i++) {
		size_t len = strlen(args[i]);

		if (put_u32(fd, (uint32_t)len) < 0 || put(fd, args[i], len) < 0)
			return fall_back(fallback);
	}

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
