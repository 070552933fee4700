/* Sockets for the controller's services: made in a namespace, bound and listening there,
 * non-blocking; an unbound one for sends; a connect with a timeout; bad arguments. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <dirent.h>

#include "t.h"

/* The process's open descriptors: the oracle that a failed batch leaves none behind. */
static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

/* lnw_sock_open_many: n sockets of ns in one entry, each with its own ephemeral port at its
 * first send, non-blocking and close-on-exec; bad arguments and a bad namespace leave nothing. */
static void many(int ns, int other)
{
	struct lnw_err err;
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(5399),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fds[8], ports[8], before = open_fds();

	CHECK(OK(lnw_sock_open_many(ns, AF_INET, SOCK_DGRAM, 8, fds, &err), &err) == 8);
	CHECK(open_fds() == before + 8);
	for (int i = 0; i < 8; i++) {
		struct sockaddr_in me;
		socklen_t len = sizeof(me);

		CHECK(fcntl(fds[i], F_GETFL) & O_NONBLOCK);
		CHECK(fcntl(fds[i], F_GETFD) & FD_CLOEXEC);
		CHECK(sendto(fds[i], "q", 1, 0, (struct sockaddr *)&to, sizeof(to)) == 1);
		CHECK(getsockname(fds[i], (struct sockaddr *)&me, &len) == 0);
		ports[i] = ntohs(me.sin_port);
		CHECK(ports[i] != 0);
		for (int j = 0; j < i; j++)
			CHECK(ports[j] != ports[i]);
	}
	/* made in ns (whose loopback the sends took), not in the other one */
	char needle[32];

	snprintf(needle, sizeof(needle), "0.0.0.0:%d ", ports[0]); /* unbound: autobind takes the wildcard */
	CHECK(t_oracle_has(ns, "ss -Huan", needle));
	CHECK(t_oracle_lacks(other, "ss -Huan", needle));
	for (int i = 0; i < 8; i++)
		close(fds[i]);
	CHECK(open_fds() == before);

	/* IPv6 and the largest batch */
	int big[LNW_SOCK_MANY_MAX];

	CHECK(OK(lnw_sock_open_many(ns, AF_INET6, SOCK_DGRAM, LNW_SOCK_MANY_MAX, big, &err), &err) ==
	      LNW_SOCK_MANY_MAX);
	for (int i = 0; i < LNW_SOCK_MANY_MAX; i++)
		close(big[i]);

	/* errors: nothing opened */
	FAILS(lnw_sock_open_many(ns, AF_INET, SOCK_DGRAM, 0, fds, &err), EINVAL, &err);
	FAILS(lnw_sock_open_many(ns, AF_INET, SOCK_DGRAM, LNW_SOCK_MANY_MAX + 1, big, &err), EINVAL, &err);
	FAILS(lnw_sock_open_many(ns, 99, SOCK_DGRAM, 2, fds, &err), EAFNOSUPPORT, &err);
	FAILS(lnw_sock_open_many(ns, AF_INET, SOCK_RAW, 2, fds, &err), EPROTOTYPE, &err);
	int notns = open("/dev/null", O_RDONLY | O_CLOEXEC);

	before = open_fds();
	FAILS(lnw_sock_open_many(notns, AF_INET, SOCK_DGRAM, 4, fds, &err), EINVAL, &err);
	CHECK(open_fds() == before);
	for (int i = 0; i < 4; i++)
		CHECK(fds[i] == -1);
	close(notns);
}

/* A UDP socket of ns bound to the IPv4 address ip:port without SO_REUSEADDR or SO_REUSEPORT:
 * another program's, which shares nothing. */
static int squat_udp(int ns, uint32_t ip, int port)
{
	struct lnw_err err;
	struct sockaddr_in at = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(ip) };
	int fd[1] = { -1 };

	CHECK(OK(lnw_sock_open_many(ns, AF_INET, SOCK_DGRAM, 1, fd, &err), &err) == 1);
	CHECK(bind(fd[0], (struct sockaddr *)&at, sizeof(at)) == 0);
	return fd[0];
}

/* lnw_sock_open_service on addr:port fails with EADDRINUSE naming `named` (the socket whose
 * bind failed), returns no fd and leaves no fd open. */
static void refused_whole(int ns, const unsigned char *addr, int port, const char *named)
{
	struct lnw_err err;
	int fds[2] = { 7, 7 }, before = open_fds();

	FAILS(lnw_sock_open_service(ns, AF_INET, addr, 4, port, 16, fds, &err), EADDRINUSE, &err);
	CHECK(strstr(err.msg, named) != NULL);
	CHECK(fds[0] == -1 && fds[1] == -1);
	CHECK(open_fds() == before);
}

/* lnw_sock_open_service: a UDP socket and a TCP listener on one address and port of ns, in
 * one entry; a port taken fails it whole, naming the socket, and leaves neither open. */
static void service(int ns, int other)
{
	struct lnw_err err;
	unsigned char lo4[4] = { 127, 0, 0, 1 }, lo6[16] = { [15] = 1 };
	int fds[2] = { -1, -1 }, again[2] = { -1, -1 }, six[2] = { -1, -1 }, before;

	CHECK(OK(lnw_sock_open_service(ns, AF_INET, lo4, 4, 5355, 16, fds, &err), &err) == 2);
	CHECK(fcntl(fds[0], F_GETFL) & O_NONBLOCK);
	CHECK(fcntl(fds[1], F_GETFD) & FD_CLOEXEC);
	CHECK(t_oracle_has(ns, "ss -Hlun", "127.0.0.1:5355"));
	CHECK(t_oracle_has(ns, "ss -Hltn", "127.0.0.1:5355"));
	CHECK(t_oracle_lacks(other, "ss -Hltn", "127.0.0.1:5355"));
	CHECK(OK(lnw_sock_open_service(ns, AF_INET6, lo6, 16, 5355, 16, six, &err), &err) == 2);
	CHECK(t_oracle_has(ns, "ss -Hltn", "[::1]:5355"));
	/* the TCP port taken (the UDP one free): refused whole, nothing left open */
	close(fds[0]);
	refused_whole(ns, lo4, 5355, "tcp 127.0.0.1 port 5355");
	CHECK(t_oracle_lacks(ns, "ss -Hlun", "127.0.0.1:5355"));
	/* the UDP port taken by a socket that shares nothing (the TCP one free): refused at the
	 * first bind, the TCP socket made for it closed too */
	int squat = squat_udp(ns, 0x7f000001, 5356);

	refused_whole(ns, lo4, 5356, "udp 127.0.0.1 port 5356");
	CHECK(t_oracle_lacks(ns, "ss -Hltn", "127.0.0.1:5356"));
	close(squat);
	/* port 53 is shared (SO_REUSEPORT): a second pair binds beside the first, as a restarted
	 * controller's does while the old one's are still open; one that shares nothing keeps it */
	int first53[2], second53[2];
	unsigned char lo4b[4] = { 127, 0, 0, 2 };

	CHECK(OK(lnw_sock_open_service(ns, AF_INET, lo4, 4, 53, 16, first53, &err), &err) == 2);
	CHECK(OK(lnw_sock_open_service(ns, AF_INET, lo4, 4, 53, 16, second53, &err), &err) == 2);
	CHECK(t_oracle_count(ns, "ss -Hlun", "127.0.0.1:53 ") == 2);
	CHECK(t_oracle_count(ns, "ss -Hltn", "127.0.0.1:53 ") == 2);
	squat = squat_udp(ns, 0x7f000002, 53);
	refused_whole(ns, lo4b, 53, "udp 127.0.0.2 port 53");
	close(squat);
	for (int i = 0; i < 2; i++) {
		close(first53[i]);
		close(second53[i]);
	}
	before = open_fds();
	/* bad arguments */
	FAILS(lnw_sock_open_service(ns, AF_INET, lo4, 3, 53, 16, again, &err), EINVAL, &err);
	FAILS(lnw_sock_open_service(ns, AF_INET, NULL, 0, 0, 16, again, &err), EINVAL, &err);
	FAILS(lnw_sock_open_service(ns, AF_INET, lo4, 4, 0, 16, again, &err), EINVAL, &err);
	CHECK(open_fds() == before);
	FAILS(lnw_sock_open_service(ns, AF_INET, lo4, 4, 53, 16, NULL, &err), EINVAL, &err);
	close(fds[1]);
	close(six[0]);
	close(six[1]);
}

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

	many(ns, other);
	service(ns, other);

	close(u);
	close(t);
	close(t6);
	lnw_nl_close(nl);
	close(ns);
	close(other);
	return t_done("sock");
}
