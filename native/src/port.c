/*
 * port.c - host port reservations for published ports.
 *
 * A published port is served by DNAT in the kernel, but the port must also be kept from
 * other programs on the host, and a port some program already listens on must be refused.
 * Both come from binding a socket to it (without listening: the DNAT rule sees the packets
 * first) and keeping that socket open. The socket belongs to the namespace it was created in,
 * so it is made on a private thread inside the host namespace.
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

struct reserve_job {
	int family, proto, port, fd, bound;
	const unsigned char *addr;
};

static int reserve_in_ns(void *arg, struct lnw_err *err)
{
	struct reserve_job *job = arg;
	struct sockaddr_storage ss;
	socklen_t len;
	int type = job->proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
	char ip[INET6_ADDRSTRLEN] = "*";
	int one = 1;

	memset(&ss, 0, sizeof(ss));
	if (job->family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)job->port);
		if (job->addr)
			memcpy(&in->sin_addr, job->addr, 4);
		len = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)job->port);
		if (job->addr)
			memcpy(&in6->sin6_addr, job->addr, 16);
		len = sizeof(*in6);
	}
	if (job->addr)
		inet_ntop(job->family, job->addr, ip, sizeof(ip));

	job->fd = socket(job->family, type | SOCK_CLOEXEC, job->proto);
	if (job->fd < 0)
		return lnw_err_set(err, errno, "reserve port", "%s port %d", ip, job->port);
	/* An IPv6 wildcard must not also take the IPv4 port: that is a reservation of its own. */
	if (job->family == AF_INET6 &&
	    setsockopt(job->fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0)
		goto fail;
	if (bind(job->fd, (struct sockaddr *)&ss, len) < 0)
		goto fail;
	if (getsockname(job->fd, (struct sockaddr *)&ss, &len) < 0)
		goto fail;
	job->bound = ntohs(job->family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
						  : ((struct sockaddr_in6 *)&ss)->sin6_port);
	return 0;
fail:
	{
		int saved = errno;

		close(job->fd);
		job->fd = -1;
		return lnw_err_set(err, saved, "reserve port", "%s port %d", ip, job->port);
	}
}

int lnw_port_reserve(int nsfd, int family, int proto, const unsigned char *addr, int addr_len,
                     int port, int *out_port, struct lnw_err *err)
{
	struct reserve_job job = { .family = family, .proto = proto, .port = port, .fd = -1,
				   .addr = addr };
	int rc;

	lnw_err_clear(err);
	if (family != AF_INET && family != AF_INET6)
		return lnw_err_set(err, EAFNOSUPPORT, "reserve port", "family %d", family);
	if (addr && addr_len != (family == AF_INET ? 4 : 16))
		return lnw_err_set(err, EINVAL, "reserve port", "address of %d bytes", addr_len);
	if (port < 0 || port > 65535)
		return lnw_err_set(err, EINVAL, "reserve port", "port %d", port);
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP && proto != IPPROTO_SCTP)
		return lnw_err_set(err, EPROTONOSUPPORT, "reserve port", "protocol %d", proto);
	rc = lnw_ns_run(nsfd, reserve_in_ns, &job, err);
	if (rc < 0)
		return rc;
	if (out_port)
		*out_port = job.bound;
	return job.fd;
}
