/*
 * ns_thread.c - doing work inside a network namespace without moving the caller.
 *
 * The network namespace is a property of a *thread*. A JVM thread that called setns() and
 * failed to come back (or came back late, while the JIT or a pool reused it) would silently
 * run later socket and netlink work in the wrong namespace: the classic bug of Go's netns
 * users (see containernetworking/plugins pkg/ns/README.md). So callers never call setns.
 * Each piece of in-namespace work gets its own pthread which enters the namespace, does the
 * work and exits. The thread never returns anywhere, so it never needs to restore anything:
 * a thread that cannot leave its namespace is a thread that dies, by construction.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>

#include "lnw_internal.h"

struct ns_job {
	int nsfd;
	int (*fn)(void *arg, struct lnw_err *err);
	void *arg;
	struct lnw_err *err;
	int rc;
};

static void *ns_thread_main(void *p)
{
	struct ns_job *job = p;

	if (job->nsfd >= 0) {
		if (setns(job->nsfd, CLONE_NEWNET) < 0) {
			job->rc = lnw_err_set(job->err, errno, "enter namespace", "setns(fd %d)",
					      job->nsfd);
			return NULL;
		}
	} else if (unshare(CLONE_NEWNET) < 0) {
		job->rc = lnw_err_set(job->err, errno, "create namespace", "unshare(CLONE_NEWNET)");
		return NULL;
	}
	job->rc = job->fn(job->arg, job->err);
	return NULL; /* the thread ends here, still inside the namespace: that is the point */
}

/* Whether the calling thread is in the namespace nsfd refers to already. */
static int already_in(int nsfd)
{
	struct stat target, here;

	return fstat(nsfd, &target) == 0 && stat("/proc/thread-self/ns/net", &here) == 0 &&
	       target.st_dev == here.st_dev && target.st_ino == here.st_ino;
}

int lnw_ns_run(int nsfd, int (*fn)(void *arg, struct lnw_err *err), void *arg,
               struct lnw_err *err)
{
	struct ns_job job = { .nsfd = nsfd, .fn = fn, .arg = arg, .err = err, .rc = 0 };
	sigset_t all, old;
	pthread_t tid;
	int rc;

	/* Work for the namespace the caller is in (a controller whose host is the JVM's own
	 * namespace, the usual case) needs no thread: the jobs never move the thread that runs
	 * them, so the caller stays where it is. Saves a thread's creation and join (~60 us). */
	if (nsfd >= 0 && already_in(nsfd))
		return fn(arg, err);

	/* The worker blocks every signal: process-directed signals (the JVM's SIGQUIT, a
	 * shell's SIGINT) must go to threads that expect them, not to a thread that lives
	 * for a few microseconds in another namespace. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&tid, NULL, ns_thread_main, &job);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0)
		return lnw_err_set(err, rc, "start namespace thread", "pthread_create");

	rc = pthread_join(tid, NULL);
	if (rc != 0)
		return lnw_err_set(err, rc, "join namespace thread", "pthread_join");
	return job.rc;
}
