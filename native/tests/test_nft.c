/* nftables through libnftables inside a namespace: apply, list as JSON, atomic failure,
 * interface names resolved in the namespace. */
#include "t.h"

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

	lnw_nft_close(nft);
	free(big);
	close(ns);
	close(ns2);
	return t_done("nft");
}
