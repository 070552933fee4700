/* Probes: ICMP echo and one TCP exchange, made inside a namespace, over its loopback and a
 * veth pair to a second namespace; and what a probe cannot reach. */
#include <pthread.h>
#include <sys/socket.h>

#include "t.h"

struct serve_arg {
	int fd, rc;
	struct lnw_err err;
};

static void *serve(void *p)
{
	struct serve_arg *a = p;

	a->rc = lnw_probe_serve(a->fd, "hello from a\n", 3000, &a->err);
	return NULL;
}

int main(void)
{
	struct lnw_err err;
	unsigned char lo4[4] = { 127, 0, 0, 1 }, lo6[16] = { [15] = 1 };
	unsigned char a4[4] = { 10, 77, 0, 1 }, b4[4] = { 10, 77, 0, 2 }, none[4] = { 10, 78, 0, 9 };
	int a = t_netns(), b = t_netns();
	char out[64];
	struct serve_arg sa = { 0 };
	pthread_t t;
	struct lnw_nl *nla = lnw_nl_open_at(a, &err), *nlb = lnw_nl_open_at(b, &err);
	struct lnw_link ha, pb;
	struct lnw_addr aa = { .family = AF_INET, .prefixlen = 24, .scope = -1 }, ab = aa;

	CHECK(nla && nlb);
	/* a and b joined by a veth pair, 10.77.0.1 and .2 */
	OK(lnw_link_set_up(nla, 1, &err), &err);
	OK(lnw_link_veth_create(nla, "va", nlb, "vb", 0, 0, 1, NULL, 0, &ha, &pb, &err), &err);
	aa.ifindex = ha.index;
	memcpy(aa.addr, a4, 4);
	ab.ifindex = pb.index;
	memcpy(ab.addr, b4, 4);
	OK(lnw_addr_add(nla, &aa, &err), &err);
	OK(lnw_addr_add(nlb, &ab, &err), &err);
	OK(lnw_link_set_up(nlb, pb.index, &err), &err);
	OK(lnw_link_set_up(nlb, 1, &err), &err);

	/* echo over loopback, IPv4 and IPv6, and across the pair */
	CHECK(OK(lnw_probe_ping(a, lo4, 4, 1, 1000, &err), &err) >= 0);
	CHECK(OK(lnw_probe_ping(a, lo6, 16, 2, 1000, &err), &err) >= 0);
	CHECK(OK(lnw_probe_ping(b, a4, 4, 3, 2000, &err), &err) >= 0);
	/* nothing answers: a timeout, said so; no route: the kernel's error */
	FAILS(lnw_probe_ping(a, (unsigned char[]){ 10, 77, 0, 99 }, 4, 4, 300, &err), ETIMEDOUT, &err);
	CHECK(strstr(err.msg, "no echo reply in 300 ms") != NULL);
	FAILS(lnw_probe_ping(a, none, 4, 5, 300, &err), ENETUNREACH, &err);

	/* one TCP exchange: a listens, b fetches through the pair */
	sa.fd = OK(lnw_probe_listen(a, 8080, &err), &err);
	CHECK(t_oracle_has(a, "ss -Hltn", ":8080"));
	CHECK(t_oracle_lacks(b, "ss -Hltn", ":8080"));
	pthread_create(&t, NULL, serve, &sa);
	CHECK(OK(lnw_probe_fetch(b, a4, 4, 8080, out, sizeof(out), 3000, &err), &err) == 13);
	pthread_join(t, NULL);
	CHECK(sa.rc == 13);
	CHECK(strcmp(out, "hello from a\n") == 0);
	/* b's own loopback is not a's: refused there */
	FAILS(lnw_probe_fetch(b, lo4, 4, 8080, out, sizeof(out), 1000, &err), ECONNREFUSED, &err);
	/* nobody connects: the server says so */
	FAILS(lnw_probe_serve(sa.fd, "x", 100, &err), ETIMEDOUT, &err);
	close(sa.fd);
	FAILS(lnw_probe_listen(a, 70000, &err), EINVAL, &err);
	FAILS(lnw_probe_fetch(a, lo4, 3, 80, out, sizeof(out), 100, &err), EINVAL, &err);

	lnw_nl_close(nla);
	lnw_nl_close(nlb);
	close(a);
	close(b);
	return t_done("probe");
}
