/* Root qdiscs: a token bucket set, replaced and removed; netem where the kernel has it. */
#include "t.h"

int main(void)
{
	struct lnw_err err;
	struct lnw_link host;
	int ns = t_netns();
	struct lnw_nl *h = lnw_nl_open_at(ns, &err);
	int rc;

	CHECK(h != NULL);
	if (!h)
		return t_done("qdisc");
	OK(lnw_link_veth_create(h, "lnwt-q0", h, "lnwt-q0p", 0, 0, 1, NULL, 0, &host, NULL, &err),
	   &err);

	/* 125000 bytes/s is tc's "1Mbit" */
	OK(lnw_qdisc_tbf_set(h, host.index, 125000, 10000, 30000, &err), &err);
	CHECK(t_oracle_has(ns, "tc qdisc show dev lnwt-q0", "qdisc tbf"));
	CHECK(t_oracle_has(ns, "tc qdisc show dev lnwt-q0", "rate 1Mbit"));
	/* setting it again replaces it, it does not fail */
	OK(lnw_qdisc_tbf_set(h, host.index, 250000, 10000, 30000, &err), &err);
	CHECK(t_oracle_has(ns, "tc qdisc show dev lnwt-q0", "rate 2Mbit"));
	OK(lnw_qdisc_root_del(h, host.index, &err), &err);
	CHECK(t_oracle_lacks(ns, "tc qdisc show dev lnwt-q0", "tbf"));
	/* nothing of ours left to delete: the kernel's own answer, typed */
	rc = lnw_qdisc_root_del(h, host.index, &err);
	CHECK(rc == -ENOENT);

	/* bad input names the field and sends nothing */
	FAILS(lnw_qdisc_tbf_set(h, host.index, 0, 10000, 30000, &err), EINVAL, &err);
	CHECK(strstr(err.msg, "rate") != NULL);
	FAILS(lnw_qdisc_tbf_set(h, host.index, 1LL << 40, 10000, 30000, &err), EINVAL, &err);
	FAILS(lnw_qdisc_tbf_set(h, host.index, 1000, 0, 30000, &err), EINVAL, &err);
	CHECK(strstr(err.msg, "burst") != NULL);
	FAILS(lnw_qdisc_tbf_set(h, 0, 1000, 1000, 1000, &err), EINVAL, &err);
	FAILS(lnw_qdisc_netem_set(h, host.index, 1000, 2000, &err), EINVAL, &err);
	CHECK(strstr(err.msg, "jitter") != NULL);
	FAILS(lnw_qdisc_tbf_set(h, 9999, 1000, 1000, 1000, &err), ENODEV, &err);

	/* netem: set where the kernel has it (CONFIG_NET_SCH_NETEM), else its ENOENT */
	rc = lnw_qdisc_netem_set(h, host.index, 20000, 0, &err);
	if (rc == 0) {
		CHECK(t_oracle_has(ns, "tc qdisc show dev lnwt-q0", "qdisc netem"));
		OK(lnw_qdisc_root_del(h, host.index, &err), &err);
	} else {
		CHECK(rc == -ENOENT);
		CHECK(t_oracle_lacks(ns, "tc qdisc show dev lnwt-q0", "netem"));
	}

	lnw_nl_close(h);
	close(ns);
	return t_done("qdisc");
}
