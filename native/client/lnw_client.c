/*
 * lnw_client.c - the thin client of `lnw daemon`: hands its command line to the daemon that
 * holds the state directory's controller, prints what comes back, exits with its code.
 *
 *   lnw-client SOCKET N ARG1..ARGN FALLBACK...
 *
 * Started by the `lnw` launcher when SOCKET (STATE_DIR/lnw.sock) exists. When nobody answers
 * on it (a daemon that died, kill -9 included, leaves the file) it becomes FALLBACK, the
 * launcher's JVM command line for the same arguments, as if there had been no daemon.
 * The protocol is in lnw_wire.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lnw_wire.h"

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
	char **args, **fallback, *end;
	long n;
	int fd;

	if (argc < 3 || (n = strtol(argv[2], &end, 10)) < 0 || *end || n > argc - 3) {
		fprintf(stderr, "usage: lnw-client SOCKET N ARG1..ARGN FALLBACK...\n");
		return 2;
	}
	args = argv + 3;
	fallback = args + n;
	fd = lnw_wire_send(argv[1], (int)n, args);
	if (fd < 0)
		return fall_back(fallback);
	return lnw_wire_answer(fd);
}
