/*
 * sock.c - sockets for the services the controller runs itself (the embedded DNS resolver):
 * made inside a namespace, handed to the Java side, which serves them from its event loop.
 *
 * A socket belongs to the namespace it was created in, whatever thread uses it later, so only
 * the socket() call runs on a private thread inside the namespace; binding, listening and
 * connecting follow the socket's namespace and run on the calling thread.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lnw_internal.h"

#ifndef IPV6_FREEBIND
#define IPV6_FREEBIND 78
#endif

/* Sockets made on a private thread inside a namespace: n of them, socket i of types[i]
 * (types NULL: all of type). The caller sets the fds to -1 first; on failure they are all -1
 * again and none is left open. */
struct open_job {
	int family, type, n;
	const int *types;
	int *fds;
};

static int open_in_ns(void *arg, struct lnw_err *err)
{
	struct open_job *job = arg;

	for (int i = 0; i < job->n; i++) {
		int type = job->types ? job->types[i] : job->type;

		job->fds[i] = socket(job->family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (job->fds[i] < 0) {
			int rc = lnw_err_set(err, errno, "open socket", "%s socket %d of %d",
					     type == SOCK_STREAM ? "tcp" : "udp", i + 1, job->n);

			while (i-- > 0) {
				close(job->fds[i]);
				job->fds[i] = -1;
			}
			return rc;
		}
	}
	return 0;
}

int lnw_sock_open_many(int nsfd, int family, int type, int n, int *fds, struct lnw_err *err)
{
	struct open_job job = { .family = family, .type = type, .n = n, .fds = fds };
	int rc;

	lnw_err_clear(err);
	if (family != AF_INET && family != AF_INET6)
		return lnw_err_set(err, EAFNOSUPPORT, "open sockets", "family %d", family);
	if (type != SOCK_DGRAM && type != SOCK_STREAM)
		return lnw_err_set(err, EPROTOTYPE, "open sockets", "type %d", type);
	if (!fds || n < 1 || n > LNW_SOCK_MANY_MAX)
		return lnw_err_set(err, EINVAL, "open sockets", "%d sockets (1 to %d)", n, LNW_SOCK_MANY_MAX);
	for (int i = 0; i < n; i++)
		fds[i] = -1;
	if ((rc = lnw_ns_run(nsfd, open_in_ns, &job, err)) < 0)
		return rc;
	return n;
}

socklen_t lnw_sockaddr(struct sockaddr_storage *ss, int family, const unsigned char *addr, int port)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		if (addr)
			memcpy(&in->sin_addr, addr, 4);
		return sizeof(*in);
	}
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	in6->sin6_family = AF_INET6;
	in6->sin6_port = htons((uint16_t)port);
	if (addr)
		memcpy(&in6->sin6_addr, addr, 16);
	return sizeof(*in6);
}

int lnw_sockaddr_check(int family, const unsigned char *addr, int addr_len, int port, const char *op,
		       struct lnw_err *err)
{
	if (family != AF_INET && family != AF_INET6)
		return lnw_err_set(err, EAFNOSUPPORT, op, "family %d", family);
	if (addr && addr_len != (family == AF_INET ? 4 : 16))
		return lnw_err_set(err, EINVAL, op, "address of %d bytes", addr_len);
	if (port < 0 || port > 65535)
		return lnw_err_set(err, EINVAL, op, "port %d", port);
	return 0;
}

/* Options, bind and listen for a socket of a service on addr:port (addr NULL: any address);
 * closes fd if any of them fails. */
static int serve_on(int fd, int family, int type, const unsigned char *addr, int port, int backlog,
		    struct lnw_err *err)
{
	struct sockaddr_storage ss;
	char ip[INET6_ADDRSTRLEN] = "*";
	int rc, one = 1;

	if (addr)
		inet_ntop(family, addr, ip, sizeof(ip));
	/* SO_REUSEADDR: a restarted server binds again at once, whatever TIME_WAIT its
	 * predecessor left. SO_REUSEPORT on LNW_SHARED_PORT: see lnw.h. FREEBIND: an IPv6
	 * gateway address is still tentative (duplicate address detection) for a moment after
	 * the bridge gets it; the socket must not care. */
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    (port == LNW_SHARED_PORT && setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) < 0) ||
	    (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0) ||
	    setsockopt(fd, family == AF_INET ? IPPROTO_IP : IPPROTO_IPV6,
		       family == AF_INET ? IP_FREEBIND : IPV6_FREEBIND, &one, sizeof(one)) < 0) {
		rc = lnw_err_set(err, errno, "open socket", "socket options for %s port %d", ip, port);
		close(fd);
		return rc;
	}
	socklen_t len = lnw_sockaddr(&ss, family, addr, port);

	if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
	    (type == SOCK_STREAM && backlog > 0 && listen(fd, backlog) < 0)) {
		rc = lnw_err_set(err, errno, "open socket", "%s %s port %d", type == SOCK_STREAM ? "tcp" : "udp", ip,
				 port);
		close(fd);
		return rc;
	}
	return fd;
}

int lnw_sock_open(int nsfd, int family, int type, const unsigned char *addr, int addr_len, int port,
		  int backlog, struct lnw_err *err)
{
	int fd = -1, rc;
	struct open_job job = { .family = family, .type = type, .n = 1, .fds = &fd };

	lnw_err_clear(err);
	if ((rc = lnw_sockaddr_check(family, addr, addr_len, port, "open socket", err)) < 0)
		return rc;
	if (type != SOCK_DGRAM && type != SOCK_STREAM)
		return lnw_err_set(err, EPROTOTYPE, "open socket", "type %d", type);
	if ((rc = lnw_ns_run(nsfd, open_in_ns, &job, err)) < 0)
		return rc;
	if (!addr && port == 0)
		return fd; /* sends bind it to an ephemeral port of its own namespace */
	return serve_on(fd, family, type, addr, port, backlog, err);
}

int lnw_sock_open_service(int nsfd, int family, const unsigned char *addr, int addr_len, int port, int backlog,
			  int *fds, struct lnw_err *err)
{
	static const int types[2] = { SOCK_DGRAM, SOCK_STREAM };
	int made[2] = { -1, -1 }, rc;
	struct open_job job = { .family = family, .n = 2, .types = types, .fds = made };

	lnw_err_clear(err);
	if (!fds)
		return lnw_err_set(err, EINVAL, "open sockets", "no room for the two fds");
	fds[0] = fds[1] = -1;
	if ((rc = lnw_sockaddr_check(family, addr, addr_len, port, "open socket", err)) < 0)
		return rc;
	if (port == 0) /* an ephemeral port each: two ports, neither of them known to the caller */
		return lnw_err_set(err, EINVAL, "open sockets", "a service needs a port");
	if ((rc = lnw_ns_run(nsfd, open_in_ns, &job, err)) < 0)
		return rc;
	if ((rc = serve_on(made[0], family, SOCK_DGRAM, addr, port, 0, err)) < 0) {
		close(made[1]);
		return rc;
	}
	if ((rc = serve_on(made[1], family, SOCK_STREAM, addr, port, backlog, err)) < 0) {
		close(made[0]);
		return rc;
	}
	fds[0] = made[0];
	fds[1] = made[1];
	return 2;
}

int lnw_sock_connect(int fd, int family, const unsigned char *addr, int addr_len, int port, int timeout_ms,
		     struct lnw_err *err)
{
	struct sockaddr_storage ss;
	char ip[INET6_ADDRSTRLEN] = "?";
	int rc, soerr = 0;
	socklen_t elen = sizeof(soerr);

	lnw_err_clear(err);
	if ((rc = lnw_sockaddr_check(family, addr, addr_len, port, "connect", err)) < 0)
		return rc;
	if (!addr)
		return lnw_err_set(err, EINVAL, "connect", "no address");
	inet_ntop(family, addr, ip, sizeof(ip));
	socklen_t len = lnw_sockaddr(&ss, family, addr, port);

	if (connect(fd, (struct sockaddr *)&ss, len) == 0)
		return 0;
	if (errno != EINPROGRESS)
		return lnw_err_set(err, errno, "connect", "%s port %d", ip, port);
	struct pollfd p = { .fd = fd, .events = POLLOUT };

	do {
		rc = poll(&p, 1, timeout_ms);
	} while (rc < 0 && errno == EINTR); /* bounded: a signal is rare, and each wait is timeout_ms */
	if (rc == 0)
		return lnw_err_set(err, ETIMEDOUT, "connect", "%s port %d: no answer in %d ms", ip, port, timeout_ms);
	if (rc < 0)
		return lnw_err_set(err, errno, "connect", "%s port %d", ip, port);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &elen) < 0)
		return lnw_err_set(err, errno, "connect", "%s port %d", ip, port);
	if (soerr)
		return lnw_err_set(err, soerr, "connect", "%s port %d", ip, port);
	return 0;
}
