/* nftables through libnftables inside a namespace: apply, list as JSON, atomic failure,
 * interface names resolved in the namespace. */
#include "t.h"

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>

/* A sampling profiler's signals, as async-profiler sends them: SIGPROF to the thread being
 * sampled, with an SA_RESTART handler. */
static atomic_int t_caught;

static void on_prof(int sig)
{
	(void)sig;
	atomic_fetch_add(&t_caught, 1);
}

struct storm {
	pthread_t target;
	atomic_int stop;
	atomic_int sent;
};

static void *storm_run(void *arg)
{
	struct storm *s = arg;

	for (int i = 0; i < 1000000 && !atomic_load(&s->stop); i++) {
		pthread_kill(s->target, SIGPROF);
		atomic_fetch_add(&s->sent, 1);
		usleep(5);
	}
	return NULL;
}

/* Signals that arrive while libnftables waits for the kernel's answer must not fail the
 * transaction: libnftables gives up on a select() cut short (EINTR), after the batch was
 * sent, so the caller could not tell whether it was committed. */
static void signals_do_not_fail_a_transaction(struct lnw_nft *nft, int ns)
{
	struct sigaction sa = { .sa_handler = on_prof, .sa_flags = SA_RESTART }, old;
	struct storm s = { .target = pthread_self() };
	struct lnw_err err;
	pthread_t t;
	int failed = 0, rounds = 400;

	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGPROF, &sa, &old) == 0);
	CHECK(pthread_create(&t, NULL, storm_run, &s) == 0);
	/* at least `rounds` commands, and on until as many signals were sent (bounded) */
	for (int i = 0; i < rounds || (atomic_load(&s.sent) < rounds && i < 50 * rounds); i++) {
		if (lnw_nft_apply(nft,
				  "add table inet lnwt-sig\n"
				  "flush table inet lnwt-sig\n"
				  "add chain inet lnwt-sig c { type filter hook forward priority 0; }\n"
				  "add rule inet lnwt-sig c ip saddr 10.9.0.0/16 counter accept\n",
				  &err) < 0) {
			if (!failed)
				fprintf(stderr, "signals: round %d: %s: %s\n", i, err.op, err.msg);
			failed++;
		}
	}
	atomic_store(&s.stop, 1);
	pthread_join(t, NULL);
	CHECK(sigaction(SIGPROF, &old, NULL) == 0);
	CHECK(failed == 0);
	/* the storm lasted the whole loop, and signals held back were delivered afterwards (a
	 * blocked signal stays pending; several of one kind become one) */
	CHECK(atomic_load(&s.sent) >= rounds);
	CHECK(atomic_load(&t_caught) > 0);
	CHECK(t_oracle_has(ns, "nft list table inet lnwt-sig", "10.9.0.0/16"));
	CHECK(t_oracle_has(ns, "nft delete table inet lnwt-sig", ""));
}

int main(void)
{
	struct lnw_err err;
	int ns = t_netns(), ns2 = t_netns();
	struct lnw_nft *nft = lnw_nft_open(ns, &err);
	char small[16], *big = malloc(1 << 16);
	int len;

	CHECK(nft != NULL && big != NULL);
	if (!nft || !big)
		return t_done("nft");

	/* the generation moves with every committed transaction, ours or anybody's */
	{
		uint64_t g0, g1, g2;

		OK(lnw_nft_generation(nft, &g0, &err), &err);
		OK(lnw_nft_apply(nft, "add table inet lnwt-gen", &err), &err);
		OK(lnw_nft_generation(nft, &g1, &err), &err);
		CHECK(g1 == g0 + 1);
		CHECK(t_oracle_has(ns, "nft delete table inet lnwt-gen", ""));
		OK(lnw_nft_generation(nft, &g2, &err), &err);
		CHECK(g2 == g1 + 1);
		/* a refused transaction commits nothing */
		FAILS(lnw_nft_apply(nft, "delete table inet nosuch", &err), ENOENT, &err);
		OK(lnw_nft_generation(nft, &g1, &err), &err);
		CHECK(g1 == g2);
	}

	OK(lnw_nft_apply(nft,
			 "table inet lnwt {\n"
			 "  chain forward { type filter hook forward priority 0; policy accept;\n"
			 "    iifname \"lnwt-br0\" counter accept comment \"net-1\"\n"
			 "  }\n"
			 "}\n", &err), &err);
	CHECK(t_oracle_has(ns, "nft list table inet lnwt", "comment \"net-1\""));
	/* the rule went to this namespace, not to another one */
	CHECK(t_oracle_lacks(ns2, "nft list tables", "lnwt"));

	len = OK(lnw_nft_list_json(nft, "list table inet lnwt", big, 1 << 16, &err), &err);
	CHECK(len > 0 && len < (1 << 16) && strstr(big, "\"nftables\"") && strstr(big, "net-1"));
	/* a short buffer is filled and the needed length returned */
	CHECK(lnw_nft_list_json(nft, "list table inet lnwt", small, sizeof(small), &err) == len);
	CHECK(strlen(small) == sizeof(small) - 1);

	/* a transaction with one bad statement changes nothing */
	FAILS(lnw_nft_apply(nft,
			    "add rule inet lnwt forward counter comment \"net-2\"\n"
			    "add rule inet lnwt nosuchchain accept\n", &err), ENOENT, &err);
	CHECK(t_oracle_lacks(ns, "nft list table inet lnwt", "net-2"));
	FAILS(lnw_nft_apply(nft, "this is not nft", &err), EINVAL, &err);
	CHECK(strstr(err.msg, "syntax error") != NULL);
	FAILS(lnw_nft_list_json(nft, "list table inet nosuchtable", big, 1 << 16, &err), ENOENT,
	      &err);

	/* `iif` names an interface by index, resolved in the namespace of the thread running the
	 * command: one that exists only in ns must still be found (such commands take the
	 * namespace's thread; the others run on the caller's) */
	CHECK(t_oracle_has(ns, "ip link add lnwt-only type veth peer name lnwt-only1", ""));
	OK(lnw_nft_apply(nft, "add rule inet lnwt forward iif \"lnwt-only\" counter comment \"by-index\"",
			 &err), &err);
	CHECK(t_oracle_has(ns, "nft list table inet lnwt", "by-index"));

	OK(lnw_nft_apply(nft, "delete table inet lnwt", &err), &err);
	CHECK(t_oracle_lacks(ns, "nft list tables", "lnwt"));

	signals_do_not_fail_a_transaction(nft, ns);

	lnw_nft_close(nft);
	free(big);
	close(ns);
	close(ns2);
	return t_done("nft");
}
