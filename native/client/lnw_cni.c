/*
 * lnw_cni.c - lnw-cni, libnetwork4j as a CNI plugin (spec 1.1: ADD, DEL, CHECK, GC, STATUS,
 * VERSION), the program a runtime executes for each call.
 *
 * Runtimes find a plugin by its configuration's "type": link the checkout's lnw-cni (a link
 * to this program as the build makes it, java/target/cmake/lnw-cni) into CNI_PATH as
 * "libnetwork4j" (ln -s "$PWD/lnw-cni" /opt/cni/bin/libnetwork4j), and configure
 *   {"cniVersion": "1.1.0", "name": "NET", "type": "libnetwork4j", "network": "NET",
 *    "subnet": "10.88.0.0/16",          (subnet: only to make the network if it is missing)
 *    "stateDir": "/var/lib/libnetwork4j", "runDir": "/run/libnetwork4j"}      (both optional)
 * The directories of the controller come from the configuration when it names them, else
 * from LNW_STATE_DIR / LNW_RUN_DIR: a runtime need not pass its environment on to every
 * plugin call (podman's cleanup after a container exits calls DEL without it).
 *
 * The call goes to a running `lnw daemon` when there is one (STATE_DIR/lnw.sock), else runs
 * in a JVM of its own (the checkout's lnw launcher, `lnw cni`), as it does when nobody
 * answers on the socket. A daemon sees neither this process's environment nor its stdin: both
 * travel as options (lnw cni --env K=V... --config JSON), as the daemon's other clients send
 * theirs (lnw_wire.h).
 *
 * Why a program of its own, and not a script: a runtime makes this call per container, and
 * the bash script it replaces spent ~1.5 ms starting bash and then exec'd the thin client;
 * here the call is on the daemon's socket within microseconds of the exec. Why lnw-cni is a
 * link to it rather than a script that execs it: any shell on the way costs a start-up again.
 * The cost of the link: it points into the build, so a checkout must be built once (./lnw
 * does that on first use) before a runtime can run it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "lnw_wire.h"

#ifndef LNW_ROOT_FROM_BINARY
#error "LNW_ROOT_FROM_BINARY: the checkout's root, relative to this program's directory (CMake sets it)"
#endif

#define DEFAULT_STATE_DIR "/var/lib/libnetwork4j"

/* The CNI variables that travel with the call, as `lnw cni --env K=V`. */
static const char *const CNI_VARS[] = {
	"CNI_COMMAND", "CNI_CONTAINERID", "CNI_NETNS", "CNI_IFNAME", "CNI_ARGS", "CNI_PATH",
};

/* CNI's error object on stdout, as the spec wants errors, and the message on stderr. */
static int fail(const char *what, const char *detail)
{
	fprintf(stderr, "lnw-cni: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	fputs("{\"cniVersion\": \"1.1.0\", \"code\": 101, \"msg\": \"lnw-cni: ", stdout);
	for (const char *s = what; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		if ((unsigned char)*s >= 0x20)
			putchar(*s);
	}
	fputs("\"}\n", stdout);
	fflush(stdout);
	return 1;
}

/* All of stdin up to its first NUL (as the shell's `read -d ''` that this replaces), malloc'd. */
static char *read_stdin(void)
{
	size_t len = 0, cap = 8192;
	char *buf = malloc(cap);

	while (buf) {
		ssize_t n;

		if (len + 1 >= cap) {
			char *b = realloc(buf, cap *= 2);

			if (!b)
				break;
			buf = b;
		}
		n = read(STDIN_FILENO, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			buf[len] = '\0';
			return buf; /* a read error ends the input as its end does */
		}
		len += (size_t)n;
	}
	free(buf);
	return NULL;
}

/* [[:space:]] in the C locale, which a program that never calls setlocale() runs in. */
static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/*
 * The configuration's "stateDir" or "runDir" when it is a plain JSON string without escapes
 * (enough for a path), exported as LNW_STATE_DIR / LNW_RUN_DIR: the leftmost match, wherever
 * in the document it is, of what the shell script this program replaced matched with
 *   "KEY"[[:space:]]*:[[:space:]]*"([^"\\]*)"
 * Matched by hand: a regcomp() and regexec() of that expression for both keys cost ~60 us of
 * the plugin's start-up, more than the rest of it before the daemon's socket (see
 * benchmarks/results/cni-add-profile-*.txt). Any match starts at an occurrence of "KEY", so
 * the first occurrence that the rest follows is the leftmost match.
 */
static int export_dir(const char *conf, const char *key, const char *var)
{
	char quoted[32];
	size_t klen = (size_t)snprintf(quoted, sizeof(quoted), "\"%s\"", key);

	for (const char *at = strstr(conf, quoted); at; at = strstr(at + 1, quoted)) {
		const char *p = at + klen, *v;

		while (is_space(*p))
			p++;
		if (*p++ != ':')
			continue;
		while (is_space(*p))
			p++;
		if (*p++ != '"')
			continue;
		for (v = p; *p && *p != '"' && *p != '\\'; p++)
			;
		if (*p != '"')
			continue;
		{
			char *dir = strndup(v, (size_t)(p - v));

			if (!dir || setenv(var, dir, 1) < 0) {
				free(dir);
				return -1;
			}
			free(dir);
		}
		return 0;
	}
	return 0;
}

/* A directory as the daemon wants it: absolute, a relative one taken from here. Malloc'd. */
static char *absolute(const char *dir)
{
	char cwd[PATH_MAX], *out;

	if (dir[0] == '/')
		return strdup(dir);
	if (!getcwd(cwd, sizeof(cwd)))
		return NULL;
	return asprintf(&out, "%s/%s", cwd, dir) < 0 ? NULL : out;
}

/* The checkout's `lnw` launcher: ROOT/lnw, ROOT found from where this program really is. */
static char *launcher(void)
{
	char exe[PATH_MAX], *slash, *out;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	if (!(slash = strrchr(exe, '/')))
		return NULL;
	*slash = '\0';
	return asprintf(&out, "%s/%s/lnw", exe, LNW_ROOT_FROM_BINARY) < 0 ? NULL : out;
}

int main(void)
{
	enum { NVARS = sizeof(CNI_VARS) / sizeof(CNI_VARS[0]) };
	/* --state-dir S --run-dir R cni, 2 per variable, --config JSON, NULL; lnw before cni */
	char *argv[6 + 2 * NVARS + 3], **cni, *conf, *state, *lnw;
	const char *state_var, *run_var, *no_daemon;
	int n = 0, fd;
	struct stat st;

	if (!(conf = read_stdin()))
		return fail("cannot read the configuration on stdin", strerror(errno));
	if (export_dir(conf, "stateDir", "LNW_STATE_DIR") < 0 || export_dir(conf, "runDir", "LNW_RUN_DIR") < 0)
		return fail("cannot take the directories from the configuration", strerror(errno));

	/* the request: the daemon's directories, then `cni` and its options */
	state_var = getenv("LNW_STATE_DIR");
	run_var = getenv("LNW_RUN_DIR");
	if (!(state = absolute(state_var && *state_var ? state_var : DEFAULT_STATE_DIR)))
		return fail("cannot find the state directory", strerror(errno));
	argv[n++] = "--state-dir";
	argv[n++] = state;
	if (run_var && *run_var) {
		argv[n++] = "--run-dir";
		if (!(argv[n++] = absolute(run_var)))
			return fail("cannot find the run directory", strerror(errno));
	}
	argv[n++] = "lnw"; /* not sent: argv[0] of the JVM's command line */
	cni = argv + n;
	argv[n++] = "cni";
	for (size_t i = 0; i < NVARS; i++) {
		const char *v = getenv(CNI_VARS[i]);

		if (v) {
			argv[n++] = "--env";
			if (asprintf(&argv[n++], "%s=%s", CNI_VARS[i], v) < 0)
				return fail("out of memory", NULL);
		}
	}
	argv[n++] = "--config";
	argv[n++] = conf;
	argv[n] = NULL;

	no_daemon = getenv("LNW_NO_DAEMON");
	if (!(no_daemon && *no_daemon)) {
		char *sock;

		if (asprintf(&sock, "%s/lnw.sock", state) < 0)
			return fail("out of memory", NULL);
		if (stat(sock, &st) == 0 && S_ISSOCK(st.st_mode)) {
			/* the request is argv without the "lnw" between the directories and cni */
			char *req[6 + 2 * NVARS + 3];
			int r = 0;

			for (char **a = argv; *a; a++)
				if (a != cni - 1)
					req[r++] = *a;
			fd = lnw_wire_send(sock, r, req);
			if (fd >= 0)
				return lnw_wire_answer(fd);
			/* nobody behind the socket: the same call in a JVM of its own (which hands it
			 * over after all if a daemon starting meanwhile takes the lock: cli/HandOver.java) */
			if (setenv("LNW_NO_DAEMON", "1", 1) < 0 || setenv("LNW_CLIENT_FALLBACK", "1", 1) < 0)
				return fail("out of memory", NULL);
		}
		free(sock);
	}
	if (!(lnw = launcher()))
		return fail("cannot find the lnw launcher next to lnw-cni's checkout", strerror(errno));
	cni[-1] = lnw;
	execv(lnw, cni - 1);
	return fail("cannot run the lnw launcher", strerror(errno));
}
