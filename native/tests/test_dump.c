/* A dump the kernel interrupts (the link table changed while it was being read) is asked
 * again, so that a caller never sees EINTR nor a list with entries missing or repeated. */
#include <pthread.h>
#include <stdatomic.h>

#include "t.h"

#define PAIRS 150
#define DUMPS 150

static atomic_int stop;
static int nsfd;

/* Adds and removes one more pair, again and again, until told to stop (bounded anyway). */
static void *churn(void *arg)
{
	struct lnw_err err;
	struct lnw_nl *nl = lnw_nl_open_at(nsfd, &err);
	struct lnw_link a, b;
	long *changes = arg;

	for (int i = 0; nl && !atomic_load(&stop) && i < 100000; i++) {
		if (lnw_link_veth_create(nl, "lnwt-churn", NULL, "lnwt-churn1", 0, 0, 0, NULL, 0, &a, &b,
					 &err) < 0)
			break;
		if (lnw_link_delete(nl, a.index, &err) < 0)
			break;
		*changes += 2;
	}
	lnw_nl_close(nl);
	return NULL;
}

int main(void)
{
	struct lnw_err err;
	struct lnw_nl *nl;
	struct lnw_link a, b;
	pthread_t t;
	long changes = 0;
	int bad_count = 0;

	nsfd = t_netns();
	nl = lnw_nl_open_at(nsfd, &err);
	CHECK(nl != NULL);
	if (!nl)
		return t_done("dump");
	for (int i = 0; i < PAIRS; i++) {
		char x[16], y[16];

		snprintf(x, sizeof(x), "lnwt-a%d", i);
		snprintf(y, sizeof(y), "lnwt-b%d", i);
		OK(lnw_link_veth_create(nl, x, NULL, y, 0, 0, 0, NULL, 0, &a, &b, &err), &err);
	}
	CHECK(pthread_create(&t, NULL, churn, &changes) == 0);
	for (int i = 0; i < DUMPS; i++) {
		struct lnw_list *list = lnw_link_list(nl, &err);
		int n;

		CHECK(list != NULL);
		if (!list) {
			fprintf(stderr, "dump %d: %s: %s\n", i, err.op, err.msg);
			continue;
		}
		/* lo, the pairs, and the churning pair or not: never a partial or doubled list */
		n = lnw_list_count(list);
		if (n != 1 + 2 * PAIRS && n != 3 + 2 * PAIRS)
			bad_count++;
		lnw_list_free(list);
	}
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	CHECK(bad_count == 0);
	CHECK(changes > 0);
	fprintf(stderr, "dump: %d dumps of %d links while %ld links came and went\n", DUMPS, 1 + 2 * PAIRS,
		changes);
	lnw_nl_close(nl);
	close(nsfd);
	return t_done("dump");
}
