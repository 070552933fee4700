/*
 * port.c - host port reservations for published ports.
 *
 * A published port is served by DNAT in the kernel, but the port must also be kept from
 * other programs on the host, and a port some program already listens on must be refused.
 * Both come from binding a socket to it (without listening: the DNAT rule sees the packets
 * first) and keeping that socket open. The socket belongs to the namespace it was created in,
 * so it is made on a private thread inside the host namespace; binding it takes any thread,
 * which lets a caller keep a socket made ahead of time and bind it when the port is wanted.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lnw_internal.h"

static int check_kind(int family, int proto, const char *op, struct lnw_err *err)
{
	if (family != AF_INET && family != AF_INET6)
		return lnw_err_set(err, EAFNOSUPPORT, op, "family %d", family);
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP && proto != IPPROTO_SCTP)
		return lnw_err_set(err, EPROTONOSUPPORT, op, "protocol %d", proto);
	return 0;
}

struct socket_job {
	int family, proto, fd;
};

static int socket_in_ns(void *arg, struct lnw_err *err)
{
	struct socket_job *job = arg;
	int type = job->proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
	int one = 1;

	job->fd = socket(job->family, type | SOCK_CLOEXEC, job->proto);
	if (job->fd < 0)
		return lnw_err_set(err, errno, "reserve port", "socket");
	/* An IPv6 wildcard must not also take the IPv4 port: that is a reservation of its own. */
	if (job->family == AF_INET6 &&
	    setsockopt(job->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0) {
		int saved = errno;

		close(job->fd);
		job->fd = -1;
		return lnw_err_set(err, saved, "reserve port", "IPV6_V6ONLY");
	}
	return 0;
}

int lnw_port_socket(int nsfd, int family, int proto, struct lnw_err *err)
{
	struct socket_job job = { .family = family, .proto = proto, .fd = -1 };
	int rc;

	lnw_err_clear(err);
	if ((rc = check_kind(family, proto, "reserve port", err)) < 0)
		return rc;
	rc = lnw_ns_run(nsfd, socket_in_ns, &job, err);
	return rc < 0 ? rc : job.fd;
}

int lnw_port_bind(int fd, int family, const unsigned char *addr, int addr_len, int port,
                  int *out_port, struct lnw_err *err)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char ip[INET6_ADDRSTRLEN] = "*";
	int rc;

	lnw_err_clear(err);
	if ((rc = lnw_sockaddr_check(family, addr, addr_len, port, "reserve port", err)) < 0)
		return rc;
	len = lnw_sockaddr(&ss, family, addr, port);
	if (addr)
		inet_ntop(family, addr, ip, sizeof(ip));
	/* The embedded resolver listens on port 53 of each bridge gateway: a container that
	 * publishes port 53 on every address must still get its reservation, and the resolver's
	 * more specific sockets keep their queries. Both sides share the port (SO_REUSEPORT). */
	if (port == LNW_SHARED_PORT) {
		int one = 1;

		if (setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0)
			return lnw_err_set(err, errno, "reserve port", "SO_REUSEPORT for port %d", port);
	}
	/* The socket's namespace decides (its addresses, its ephemeral range), not the thread's. */
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || getsockname(fd, (struct sockaddr *)&ss, &len) < 0)
		return lnw_err_set(err, errno, "reserve port", "%s port %d", ip, port);
	if (out_port)
		*out_port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
						 : ((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
}

int lnw_port_reserve(int nsfd, int family, int proto, const unsigned char *addr, int addr_len,
                     int port, int *out_port, struct lnw_err *err)
{
	int fd = lnw_port_socket(nsfd, family, proto, err), rc;

	if (fd < 0)
		return fd;
	rc = lnw_port_bind(fd, family, addr, addr_len, port, out_port, err);
	if (rc < 0) {
		close(fd);
		return rc;
	}
	return fd;
}
