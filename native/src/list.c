/*
 * list.c - the result of a dump: libnl objects read back one by one by index, so that a
 * caller across JNI can walk it without knowing libnl.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <netlink/msg.h>

#include "lnw_internal.h"


static void collect(struct nl_object *obj, void *arg)
{
	struct lnw_list *list = arg;

	if (list->count == list->cap) {
		int cap = list->cap ? list->cap * 2 : 16;
		struct nl_object **objs = realloc(list->objs, cap * sizeof(*objs));

		if (!objs) {
			list->oom = 1;
			return;
		}
		list->objs = objs;
		list->cap = cap;
	}
	nl_object_get(obj);
	list->objs[list->count++] = obj;
}

int lnw_list_count(const struct lnw_list *list)
{
	return list ? list->count : 0;
}

void lnw_list_free(struct lnw_list *list)
{
	if (!list)
		return;
	for (int i = 0; i < list->count; i++)
		nl_object_put(list->objs[i]);
	free(list->objs);
	free(list);
}

/* A dump the kernel marks as interrupted (NLM_F_DUMP_INTR: the table changed while it was
 * being read; libnl reports NLE_DUMP_INTR, here EINTR) may lack or repeat entries. Asked again,
 * it is consistent unless the table changed again. Changes come in bursts (a runtime starting
 * many containers), and back-to-back attempts tend to fall into the same burst: after three
 * immediate ones, each waits a little longer (0.1 ms doubling to 10 ms, jittered so as not to
 * keep step with a periodic writer). Bounded: at most ~115 ms of waiting in all, then EINTR. */
#define DUMP_ATTEMPTS 20
#define DUMP_IMMEDIATE 3

static void dump_backoff(int attempt)
{
	int doublings = attempt - DUMP_IMMEDIATE;
	long us;
	struct timespec now, wait;

	if (attempt < DUMP_IMMEDIATE)
		return;
	us = 100L << (doublings < 7 ? doublings : 7);
	if (us > 10000)
		us = 10000;
	clock_gettime(CLOCK_MONOTONIC, &now);
	us = us / 2 + (long)((unsigned long)now.tv_nsec % (unsigned long)(us / 2 + 1));
	wait.tv_sec = 0;
	wait.tv_nsec = us * 1000;
	nanosleep(&wait, NULL); /* woken early by a signal: only a shorter wait */
}

struct lnw_list *lnw_list_dump(struct lnw_nl *nl, struct nl_msg *msg, struct lnw_err *err,
                               const char *op)
{
	for (int attempt = 1;; attempt++) {
		struct lnw_list *list = calloc(1, sizeof(*list));
		struct nl_msg *copy = list ? nlmsg_convert(nlmsg_hdr(msg)) : NULL;

		lnw_err_clear(err);
		if (!list || !copy) {
			free(list);
			nlmsg_free(msg);
			lnw_err_set(err, ENOMEM, op, "list");
			return NULL;
		}
		if (lnw_nl_transact(nl, copy, collect, list, err, op, "dump") < 0) {
			lnw_list_free(list);
			if (err->code == EINTR && attempt < DUMP_ATTEMPTS) {
				dump_backoff(attempt);
				continue;
			}
			nlmsg_free(msg);
			return NULL;
		}
		nlmsg_free(msg);
		if (list->oom) {
			lnw_list_free(list);
			lnw_err_set(err, ENOMEM, op, "list");
			return NULL;
		}
		return list;
	}
}

struct nl_object *lnw_list_at(const struct lnw_list *list, int i, const char *type)
{
	if (!list || i < 0 || i >= list->count)
		return NULL;
	if (strcmp(nl_object_get_type(list->objs[i]), type) != 0)
		return NULL;
	return list->objs[i];
}

void lnw_list_keep(struct lnw_list *list, int (*keep)(struct nl_object *obj, void *arg), void *arg)
{
	int kept = 0;

	for (int i = 0; i < list->count; i++) {
		if (keep(list->objs[i], arg))
			list->objs[kept++] = list->objs[i];
		else
			nl_object_put(list->objs[i]);
	}
	list->count = kept;
}
