/* Sockets for the controller's services: made in a namespace, bound and listening there,
 * non-blocking; an unbound one for sends; a connect with a timeout; bad arguments. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>

#include "t.h"

int main(void)
{
	struct lnw_err err;
	unsigned char lo4[4] = { 127, 0, 0, 1 }, lo6[16] = { [15] = 1 }, gone[4] = { 127, 0, 0, 2 };
	int ns = t_netns(), other = t_netns();
	struct lnw_nl *nl = lnw_nl_open_at(ns, &err);
	int u, t, t6, c, busy;

	CHECK(nl != NULL);
	OK(lnw_link_set_up(nl, 1, &err), &err);
	/* bound in ns only, non-blocking */
	u = OK(lnw_sock_open(ns, AF_INET, SOCK_DGRAM, lo4, 4, 5353, 0, &err), &err);
	CHECK(fcntl(u, F_GETFL) & O_NONBLOCK);
	CHECK(t_oracle_has(ns, "ss -Hlun", "127.0.0.1:5353"));
	CHECK(t_oracle_lacks(other, "ss -Hlun", "127.0.0.1:5353"));
	t = OK(lnw_sock_open(ns, AF_INET, SOCK_STREAM, lo4, 4, 5353, 16, &err), &err);
	CHECK(t_oracle_has(ns, "ss -Hltn", "127.0.0.1:5353"));
	t6 = OK(lnw_sock_open(ns, AF_INET6, SOCK_STREAM, lo6, 16, 5353, 16, &err), &err);
	CHECK(t_oracle_has(ns, "ss -Hltn", "[::1]:5353"));
	/* a second listener on the same address and port is refused, naming it */
	FAILS(lnw_sock_open(ns, AF_INET, SOCK_STREAM, lo4, 4, 5353, 16, &err), EADDRINUSE, &err);
	CHECK(strstr(err.msg, "tcp 127.0.0.1 port 5353") != NULL);
	/* an address the namespace lacks still binds (FREEBIND: a gateway in DAD) */
	busy = OK(lnw_sock_open(ns, AF_INET, SOCK_DGRAM, gone, 4, 5353, 0, &err), &err);
	close(busy);

	/* unbound: connect from ns to the listener, within a timeout */
	c = OK(lnw_sock_open(ns, AF_INET, SOCK_STREAM, NULL, 0, 0, 0, &err), &err);
	OK(lnw_sock_connect(c, AF_INET, lo4, 4, 5353, 1000, &err), &err);
	struct pollfd p = { .fd = t, .events = POLLIN };
	CHECK(poll(&p, 1, 1000) == 1);
	close(c);
	/* nobody listening: refused */
	c = OK(lnw_sock_open(ns, AF_INET, SOCK_STREAM, NULL, 0, 0, 0, &err), &err);
	FAILS(lnw_sock_connect(c, AF_INET, lo4, 4, 5354, 1000, &err), ECONNREFUSED, &err);
	close(c);

	/* errors */
	FAILS(lnw_sock_open(ns, AF_INET, SOCK_DGRAM, lo4, 3, 53, 0, &err), EINVAL, &err);
	FAILS(lnw_sock_open(ns, AF_INET, SOCK_DGRAM, lo4, 4, 70000, 0, &err), EINVAL, &err);
	FAILS(lnw_sock_open(ns, AF_INET, SOCK_RAW, lo4, 4, 53, 0, &err), EPROTOTYPE, &err);
	FAILS(lnw_sock_open(ns, 99, SOCK_DGRAM, NULL, 0, 53, 0, &err), EAFNOSUPPORT, &err);

	close(u);
	close(t);
	close(t6);
	lnw_nl_close(nl);
	close(ns);
	close(other);
	return t_done("sock");
}
