/* Host port reservations: bound sockets in the namespace, conflicts, ephemeral ports. */
#include <arpa/inet.h>
#include <netinet/in.h>

#include "t.h"

int main(void)
{
	struct lnw_err err;
	unsigned char lo4[4] = { 127, 0, 0, 1 };
	int ns = t_netns(), other = t_netns(), port = 0, p2 = 0;
	int fd, fd2, fd6, fdu, lsn;
	char cmd[128];

	/* a fixed port: held in this namespace only */
	fd = OK(lnw_port_reserve(ns, AF_INET, IPPROTO_TCP, NULL, 0, 18080, &port, &err), &err);
	CHECK(port == 18080);
	FAILS(lnw_port_reserve(ns, AF_INET, IPPROTO_TCP, NULL, 0, 18080, &p2, &err), EADDRINUSE, &err);
	FAILS(lnw_port_reserve(ns, AF_INET, IPPROTO_TCP, lo4, 4, 18080, &p2, &err), EADDRINUSE, &err);
	CHECK(strstr(err.msg, "127.0.0.1 port 18080") != NULL);
	fd2 = OK(lnw_port_reserve(other, AF_INET, IPPROTO_TCP, NULL, 0, 18080, &p2, &err), &err);
	/* other protocols and the IPv6 wildcard are reservations of their own */
	fdu = OK(lnw_port_reserve(ns, AF_INET, IPPROTO_UDP, NULL, 0, 18080, &p2, &err), &err);
	fd6 = OK(lnw_port_reserve(ns, AF_INET6, IPPROTO_TCP, NULL, 0, 18080, &p2, &err), &err);
	/* a program listening: it comes first, we are refused */
	snprintf(cmd, sizeof(cmd), "ss -Hltn 'sport = :18080'");
	CHECK(t_oracle_lacks(ns, cmd, "18080")); /* bound, not listening: ss shows no listener */
	close(fd);
	lsn = OK(lnw_port_reserve(ns, AF_INET, IPPROTO_TCP, NULL, 0, 18081, &p2, &err), &err);
	CHECK(listen(lsn, 1) == 0);
	FAILS(lnw_port_reserve(ns, AF_INET, IPPROTO_TCP, NULL, 0, 18081, &p2, &err), EADDRINUSE, &err);
	/* the port is free again once the fd is closed */
	fd = OK(lnw_port_reserve(ns, AF_INET, IPPROTO_TCP, NULL, 0, 18080, &port, &err), &err);
	/* port 0: one from the ephemeral range */
	close(OK(lnw_port_reserve(ns, AF_INET, IPPROTO_TCP, NULL, 0, 0, &port, &err), &err));
	CHECK(port >= 1024);
	/* errors */
	FAILS(lnw_port_reserve(ns, AF_INET, IPPROTO_TCP, lo4, 3, 1, &p2, &err), EINVAL, &err);
	FAILS(lnw_port_reserve(ns, AF_INET, IPPROTO_TCP, NULL, 0, 70000, &p2, &err), EINVAL, &err);
	FAILS(lnw_port_reserve(ns, AF_INET, 99, NULL, 0, 1, &p2, &err), EPROTONOSUPPORT, &err);

	close(fd);
	close(fd2);
	close(fd6);
	close(fdu);
	close(lsn);
	close(ns);
	close(other);
	return t_done("port");
}
