/*
 * file.c - small files rewritten in place: a sandbox's hosts and resolv.conf.
 *
 * A runtime bind-mounts these files into its container, so each keeps its inode: it is
 * written over, never replaced by a rename, which would leave the mount on the old file. Nor
 * is it truncated to zero first: on ext4 a truncate followed by a write costs ~120 us (the
 * truncation, and the flush ext4 forces at close after one), an overwrite that trims only
 * the tail the new content no longer covers ~2 us.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lnw_internal.h"

/* A write of a regular file is cut short or interrupted only by a signal or a full disk;
 * this many rounds cannot be needed for a few kilobytes unless something is wrong. The
 * same bound holds for the open, fstat and ftruncate, which a signal can interrupt too on
 * a network or FUSE file system (as the JDK's calls we replace, they are then asked again). */
#define REWRITE_ROUNDS 64

int lnw_file_rewrite(const char *path, const unsigned char *data, int len, struct lnw_err *err)
{
	const char *op = "write";
	struct stat st;
	int fd, saved;
	off_t off = 0;

	if (!path || !*path || len < 0 || (len > 0 && !data))
		return lnw_err_set(err, EINVAL, op, "\"%s\": no path or content", path ? path : "");
	/* 0666 less the umask, as a file made through the JDK: the mode the files had before */
	for (int round = 0; (fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666)) < 0; round++)
		if (errno != EINTR || round == REWRITE_ROUNDS)
			return lnw_err_set(err, errno, op, "%s", path);
	for (int round = 0; off < len; round++) {
		ssize_t n;

		if (round == REWRITE_ROUNDS) {
			errno = EIO;
			goto fail;
		}
		n = pwrite(fd, data + off, (size_t)(len - off), off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			goto fail;
		}
		off += n;
	}
	for (int round = 0; fstat(fd, &st) < 0; round++)
		if (errno != EINTR || round == REWRITE_ROUNDS)
			goto fail;
	for (int round = 0; st.st_size > len && ftruncate(fd, len) < 0; round++)
		if (errno != EINTR || round == REWRITE_ROUNDS)
			goto fail;
	/* Linux releases the fd even when close is interrupted, and the content is written:
	 * EINTR is no failure (as lnw_fd_close has it) */
	if (close(fd) < 0 && errno != EINTR)
		return lnw_err_set(err, errno, op, "%s", path);
	return 0;
fail:
	saved = errno;
	close(fd);
	return lnw_err_set(err, saved, op, "%s", path);
}
