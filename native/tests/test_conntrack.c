/* Conntrack entries of an address are flushed, others are kept. */
#include "t.h"

int main(void)
{
	struct lnw_err err;
	unsigned char lo[4] = { 127, 0, 0, 1 }, other[4] = { 127, 0, 0, 2 };
	int ns = t_netns();
	struct lnw_ct *ct;

	/* conntrack runs in a namespace once a rule needs it; pings make entries */
	CHECK(t_oracle_has(ns, "sh -c 'ip link set lo up && nft add table inet t && "
			   "nft add chain inet t c \"{ type filter hook output priority 0; }\" && "
			   "nft add rule inet t c ct state new counter && "
			   "ping -c1 -W1 127.0.0.1 >/dev/null && ping -c1 -W1 127.0.0.2 >/dev/null && "
			   "cat /proc/net/nf_conntrack'", "dst=127.0.0.2"));
	ct = lnw_ct_open(ns, &err);
	CHECK(ct != NULL);
	CHECK(OK(lnw_ct_flush_addr(ct, lo, 4, &err), &err) == 1);
	CHECK(t_oracle_lacks(ns, "cat /proc/net/nf_conntrack", "src=127.0.0.1 dst=127.0.0.1 "));
	CHECK(t_oracle_has(ns, "cat /proc/net/nf_conntrack", "dst=127.0.0.2"));
	CHECK(OK(lnw_ct_flush_addr(ct, lo, 4, &err), &err) == 0);
	CHECK(OK(lnw_ct_flush_addr(ct, other, 4, &err), &err) == 1);
	/* nothing tracked any more: answered from the namespace's count, and still right */
	CHECK(t_oracle_lacks(ns, "cat /proc/net/nf_conntrack", "src="));
	CHECK(OK(lnw_ct_flush_addr(ct, other, 4, &err), &err) == 0);
	FAILS(lnw_ct_flush_addr(ct, lo, 5, &err), EINVAL, &err);
	lnw_ct_close(ct);
	close(ns);
	return t_done("conntrack");
}
