/*
 * batch.c - rtnetlink changes queued on the caller's side and run back to back in one call.
 *
 * Why: a join sets up its interface with three to five requests (addresses, up, routes);
 * from the JVM each was a native call of its own. The hope was also to beat the kernel's own
 * work for a link that comes up (linkwatch, under RTNL), which a route sent a few
 * microseconds after `up` waits for; measured, the three requests take 90 us from one batch
 * against 92-101 us as three calls (56 us in the plain C floor), so what remains is not the
 * calls but cache pressure (benchmarks/RESULTS.md). Kept for the fewer crossings.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lnw_internal.h"

enum step_kind { STEP_ADDR_ADD, STEP_LINK_UP, STEP_ROUTE_ADD, STEP_ADDR_GEN_MODE };

struct step {
	enum step_kind kind;
	union {
		struct lnw_addr addr;
		int index;
		struct lnw_route route;
		struct {
			int index, mode;
		} gen;
	} u;
};

struct lnw_batch {
	int n, cap;
	struct step *steps;
};

struct lnw_batch *lnw_batch_new(void)
{
	return calloc(1, sizeof(struct lnw_batch));
}

void lnw_batch_free(struct lnw_batch *b)
{
	if (b) {
		free(b->steps);
		free(b);
	}
}

int lnw_batch_count(const struct lnw_batch *b)
{
	return b ? b->n : 0;
}

static struct step *push(struct lnw_batch *b, enum step_kind kind)
{
	if (b->n == b->cap) {
		int cap = b->cap ? 2 * b->cap : 4;
		struct step *s = realloc(b->steps, (size_t)cap * sizeof(*s));

		if (!s)
			return NULL;
		b->steps = s;
		b->cap = cap;
	}
	b->steps[b->n].kind = kind;
	return &b->steps[b->n++];
}

int lnw_batch_addr_add(struct lnw_batch *b, const struct lnw_addr *a)
{
	struct step *s = push(b, STEP_ADDR_ADD);

	if (!s)
		return -ENOMEM;
	s->u.addr = *a;
	return 0;
}

int lnw_batch_link_up(struct lnw_batch *b, int index)
{
	struct step *s = push(b, STEP_LINK_UP);

	if (!s)
		return -ENOMEM;
	s->u.index = index;
	return 0;
}

int lnw_batch_link_addr_gen_mode(struct lnw_batch *b, int index, int mode)
{
	struct step *s = push(b, STEP_ADDR_GEN_MODE);

	if (!s)
		return -ENOMEM;
	s->u.gen.index = index;
	s->u.gen.mode = mode;
	return 0;
}

int lnw_batch_route_add(struct lnw_batch *b, const struct lnw_route *r)
{
	struct step *s = push(b, STEP_ROUTE_ADD);

	if (!s)
		return -ENOMEM;
	s->u.route = *r;
	return 0;
}

int lnw_batch_run(struct lnw_nl *nl, const struct lnw_batch *b, int *failed, struct lnw_err *err)
{
	lnw_err_clear(err);
	if (failed)
		*failed = -1;
	for (int i = 0; i < b->n; i++) {
		const struct step *s = &b->steps[i];
		int rc;

		switch (s->kind) {
		case STEP_ADDR_ADD:
			rc = lnw_addr_add(nl, &s->u.addr, err);
			break;
		case STEP_LINK_UP:
			rc = lnw_link_set_up(nl, s->u.index, err);
			break;
		case STEP_ADDR_GEN_MODE:
			rc = lnw_link_set_addr_gen_mode(nl, s->u.gen.index, s->u.gen.mode, err);
			break;
		default:
			rc = lnw_route_add(nl, &s->u.route, err);
			break;
		}
		if (rc < 0) {
			if (failed)
				*failed = i;
			return rc;
		}
	}
	return b->n;
}
