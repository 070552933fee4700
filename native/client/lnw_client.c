/*
 * lnw_client.c - the thin client of `lnw daemon`: hands its command line to the daemon that
 * holds the state directory's controller, prints what comes back, exits with its code.
 *
 *   lnw-client SOCKET N ARG1..ARGN FALLBACK...
 *
 * Started by the `lnw` launcher when SOCKET (STATE_DIR/lnw.sock) or the state directory's
 * lock file exists. When nobody answers on it (no daemon, or one that died, kill -9 included,
 * and left the file) it becomes FALLBACK, the launcher's JVM command line for the same
 * arguments, as if there had been no daemon. While another process holds the state
 * directory's lock, it waits instead: a daemon that is starting holds it while it recovers,
 * and listens after; a JVM started meanwhile would only wait for the lock the daemon keeps.
 * The protocol is in lnw_wire.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "lnw_wire.h"

/* As long as the launcher's JVM waits for the state directory's lock (Lnw.LOCK_WAIT). */
#define WAIT_MS 60000
#define POLL_MS 10

/*
 * Whether another process holds the lock of the state directory SOCKET is in: the POSIX
 * record lock a controller's JVM takes on STATE_DIR/lock (FileChannel.tryLock) while it has
 * the directory open. F_GETLK only asks; it takes nothing.
 */
static int lock_held(const char *socket_path)
{
	const char *slash = strrchr(socket_path, '/');
	size_t dir = slash ? (size_t)(slash - socket_path) + 1 : 0;
	char path[PATH_MAX];
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd, held;

	if (dir + sizeof("lock") > sizeof(path))
		return 0;
	memcpy(path, socket_path, dir);
	memcpy(path + dir, "lock", sizeof("lock"));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	held = fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
	close(fd); /* no lock of ours on it: closing drops none */
	return held;
}

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000L + t.tv_nsec / 1000000L;
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

/*
 * Handed over by a command's JVM (cli/HandOver.java), this client is that JVM's child rather
 * than the lnw process itself, and must end with it: a SIGKILL of the JVM alone would leave it
 * waiting for the daemon's answer, or running lnw exec's command, for a command that is gone.
 * The kernel's signal on the parent's death carries over the client's exec of that command or
 * of its fallback, as if they were the lnw process (not over the exec of a set-user-ID or
 * file-capability program: the kernel clears it then). LNW_CLIENT_PARENT names the parent, so
 * a parent that died before the signal was asked for is seen; it is no variable for the
 * command. Returns 0 to go on, 1 if the parent is gone (nobody to tell), -1 on an error told.
 */
static int end_with_parent(void)
{
	const char *parent = getenv("LNW_CLIENT_PARENT");
	char *end;
	long want;
	int valid;

	if (!parent)
		return 0;
	want = strtol(parent, &end, 10);
	valid = want > 0 && !*end; /* pid 1 too: the JVM of a container's entrypoint */
	unsetenv("LNW_CLIENT_PARENT");
	if (!valid) {
		fprintf(stderr, "lnw: LNW_CLIENT_PARENT is not a process id\n");
		return -1;
	}
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0) {
		fprintf(stderr, "lnw: cannot ask to end with the parent process: %s\n", strerror(errno));
		return -1;
	}
	return getppid() == (pid_t)want ? 0 : 1;
}

int main(int argc, char **argv)
{
	char **args, **fallback, *end;
	long n;
	int fd;

	if (end_with_parent() != 0)
		return 1;

	if (argc < 3 || (n = strtol(argv[2], &end, 10)) < 0 || *end || n > argc - 3) {
		fprintf(stderr, "usage: lnw-client SOCKET N ARG1..ARGN FALLBACK...\n");
		return 2;
	}
	args = argv + 3;
	fallback = args + n;
	fd = lnw_wire_send(argv[1], (int)n, args);
	/* bounded: WAIT_MS, or until the holder lets go (then the JVM takes the lock itself) */
	for (long start = now_ms(); fd < 0 && lock_held(argv[1]) && now_ms() - start < WAIT_MS;) {
		usleep(POLL_MS * 1000);
		fd = lnw_wire_send(argv[1], (int)n, args);
	}
	if (fd < 0 && lock_held(argv[1]))
		setenv("LNW_LOCK_WAITED", "1", 1); /* the JVM then reports the holder at once */
	if (fd < 0)
		return fall_back(fallback);
	return lnw_wire_answer(fd);
}
