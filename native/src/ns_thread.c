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
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

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

/*
 * Stacks kept for the private threads. A thread on a stack glibc allocated gives most of it
 * back at exit (madvise MADV_DONTNEED), so the next thread faults its pages in again, and the
 * call flushes the TLB of every CPU that runs the process: on a virtual machine that is a
 * page fault and an interprocessor interrupt apiece, and it interrupts the JVM's threads on
 * the other CPUs too. A thread on a stack of ours leaves it alone: the pages stay, and the
 * next thread finds them. Measured on a 2-core VM (AMD EPYC, PVM), a create-enter-join took
 * 120-340 us on glibc's stacks and 90-170 us on a kept one.
 *
 * A stack goes back into the pool only after pthread_join returned: the kernel has cleared
 * the thread's tid by then (CLONE_CHILD_CLEARTID), so nothing runs on it any more. More
 * concurrent runs than the pool holds fall back to glibc's stacks.
 */
#define NS_STACKS 4
#define NS_STACK_SIZE (8u << 20) /* glibc's default (ulimit -s): jobs that run libnftables need room */

static pthread_mutex_t stacks_lock = PTHREAD_MUTEX_INITIALIZER;
static void *stacks_free[NS_STACKS]; /* guarded by stacks_lock */
static int stacks_count;             /* stacks made, in use or free; guarded by stacks_lock */
static int stacks_nfree;             /* guarded by stacks_lock */

/* A stack for one thread (its usable part, NS_STACK_SIZE bytes), or NULL: use glibc's. */
static void *stack_take(void)
{
	void *s = NULL;
	int make = 0;

	pthread_mutex_lock(&stacks_lock);
	if (stacks_nfree > 0)
		s = stacks_free[--stacks_nfree];
	else if (stacks_count < NS_STACKS)
		make = ++stacks_count;
	pthread_mutex_unlock(&stacks_lock);
	if (s || !make)
		return s;

	/* Reserved, not committed: only the pages a thread touches are ever backed. The lowest
	 * page is a guard, as glibc puts under its own stacks. */
	long page = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, NS_STACK_SIZE + page, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);

	if (m != MAP_FAILED && mprotect(m, page, PROT_NONE) == 0)
		return m + page;
	if (m != MAP_FAILED)
		munmap(m, NS_STACK_SIZE + page);
	pthread_mutex_lock(&stacks_lock);
	stacks_count--;
	pthread_mutex_unlock(&stacks_lock);
	return NULL;
}

static void stack_give_back(void *s)
{
	pthread_mutex_lock(&stacks_lock);
	stacks_free[stacks_nfree++] = s; /* never more than made: each taken one comes back once */
	pthread_mutex_unlock(&stacks_lock);
}

int lnw_ns_run(int nsfd, int (*fn)(void *arg, struct lnw_err *err), void *arg,
               struct lnw_err *err)
{
	struct ns_job job = { .nsfd = nsfd, .fn = fn, .arg = arg, .err = err, .rc = 0 };
	sigset_t all, old;
	pthread_attr_t attr, *ap = NULL;
	pthread_t tid;
	void *stack;
	int rc;

	/* Work for the namespace the caller is in (a controller whose host is the JVM's own
	 * namespace, the usual case) needs no thread: the jobs never move the thread that runs
	 * them, so the caller stays where it is. Saves a thread's creation and join (~60 us). */
	if (nsfd >= 0 && already_in(nsfd))
		return fn(arg, err);

	stack = stack_take();
	if (stack && pthread_attr_init(&attr) == 0) {
		if (pthread_attr_setstack(&attr, stack, NS_STACK_SIZE) == 0)
			ap = &attr;
		else
			pthread_attr_destroy(&attr);
	}
	/* The worker blocks every signal: process-directed signals (the JVM's SIGQUIT, a
	 * shell's SIGINT) must go to threads that expect them, not to a thread that lives
	 * for a few microseconds in another namespace. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&tid, ap, ns_thread_main, &job);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (ap)
		pthread_attr_destroy(ap);
	if (rc != 0) {
		if (stack)
			stack_give_back(stack);
		return lnw_err_set(err, rc, "start namespace thread", "pthread_create");
	}

	rc = pthread_join(tid, NULL);
	if (rc != 0) /* the thread may still run on it: the stack is never reused (a leak, not a crash) */
		return lnw_err_set(err, rc, "join namespace thread", "pthread_join");
	if (stack)
		stack_give_back(stack);
	return job.rc;
}
