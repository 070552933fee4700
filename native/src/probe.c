/*
 * probe.c - checking connectivity from inside a namespace: ICMP echo, and one TCP exchange.
 *
 * For diagnostics and the quickstart, which must show real traffic without relying on ping
 * or socat being installed. Sockets are made on the private thread inside the namespace; a
 * listening socket is handed back and may then be served from any thread (a socket stays in
 * the namespace it was made in).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/icmp6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "lnw_internal.h"

static long long now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000000LL + t.tv_nsec / 1000;
}

static uint16_t checksum(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t sum = 0;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)(p[0] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* waits for fd to be ready for events until deadline; 0 ready, -ETIMEDOUT, -errno */
static int wait_for(int fd, short events, long long deadline)
{
	for (;;) {
		long long left = deadline - now_us();
		struct pollfd p = { .fd = fd, .events = events };
		int rc;

		if (left <= 0)
			return -ETIMEDOUT;
		rc = poll(&p, 1, (int)((left + 999) / 1000));
		if (rc > 0)
			return 0;
		if (rc == 0)
			return -ETIMEDOUT;
		if (errno != EINTR)
			return -errno;
	}
}

struct ping_job {
	const unsigned char *addr;
	int len, seq, timeout_ms;
	long long rtt;
	char what[INET6_ADDRSTRLEN];
};

static int ping_in_ns(void *arg, struct lnw_err *err)
{
	struct ping_job *job = arg;
	struct sockaddr_storage ss;
	int family = job->len == 4 ? AF_INET : AF_INET6;
	socklen_t sl = lnw_sockaddr(&ss, family, job->addr, 0);
	int v6 = family == AF_INET6;
	uint16_t id = (uint16_t)(getpid() ^ (job->seq << 8));
	unsigned char pkt[64], buf[1500];
	long long start, deadline;
	int fd, rc;

	/* raw: a fresh namespace disables ICMP datagram sockets (ping_group_range "1 0") */
	fd = socket(family, SOCK_RAW | SOCK_CLOEXEC, v6 ? IPPROTO_ICMPV6 : IPPROTO_ICMP);
	if (fd < 0)
		return lnw_err_set(err, errno, "ping", "%s: socket", job->what);
	memset(pkt, 0, sizeof(pkt));
	if (v6) {
		struct icmp6_hdr *h = (struct icmp6_hdr *)pkt;

		h->icmp6_type = ICMP6_ECHO_REQUEST;
		h->icmp6_id = htons(id);
		h->icmp6_seq = htons((uint16_t)job->seq);
		/* the kernel fills the ICMPv6 checksum of a raw socket */
	} else {
		struct icmphdr *h = (struct icmphdr *)pkt;

		h->type = ICMP_ECHO;
		h->un.echo.id = htons(id);
		h->un.echo.sequence = htons((uint16_t)job->seq);
		h->checksum = checksum(pkt, sizeof(pkt));
	}
	start = now_us();
	deadline = start + (long long)job->timeout_ms * 1000;
	if (sendto(fd, pkt, sizeof(pkt), 0, (struct sockaddr *)&ss, sl) < 0) {
		rc = lnw_err_set(err, errno, "ping", "%s: send", job->what);
		goto out;
	}
	for (;;) {
		ssize_t n;
		const unsigned char *icmp = buf;

		rc = wait_for(fd, POLLIN, deadline);
		if (rc < 0) {
			rc = lnw_err_set(err, -rc, "ping", "%s: no echo reply in %d ms", job->what,
					 job->timeout_ms);
			goto out;
		}
		n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			rc = lnw_err_set(err, errno, "ping", "%s: receive", job->what);
			goto out;
		}
		if (!v6) {
			/* an IPv4 raw socket hands over the IP header too */
			size_t ihl = (size_t)(buf[0] & 0x0f) * 4;

			if ((size_t)n < ihl + sizeof(struct icmphdr))
				continue;
			icmp = buf + ihl;
			if (((const struct icmphdr *)icmp)->type == ICMP_ECHOREPLY &&
			    ntohs(((const struct icmphdr *)icmp)->un.echo.id) == id &&
			    ntohs(((const struct icmphdr *)icmp)->un.echo.sequence) == (uint16_t)job->seq)
				break;
		} else if ((size_t)n >= sizeof(struct icmp6_hdr) &&
			   ((const struct icmp6_hdr *)icmp)->icmp6_type == ICMP6_ECHO_REPLY &&
			   ntohs(((const struct icmp6_hdr *)icmp)->icmp6_id) == id &&
			   ntohs(((const struct icmp6_hdr *)icmp)->icmp6_seq) == (uint16_t)job->seq) {
			break;
		}
	}
	job->rtt = now_us() - start;
	rc = 0;
out:
	close(fd);
	return rc;
}

long long lnw_probe_ping(int nsfd, const unsigned char *addr, int addr_len, int seq, int timeout_ms,
                         struct lnw_err *err)
{
	struct ping_job job = { .addr = addr, .len = addr_len, .seq = seq, .timeout_ms = timeout_ms };
	int rc;

	lnw_err_clear(err);
	if (!addr || (addr_len != 4 && addr_len != 16) || timeout_ms <= 0)
		return lnw_err_set(err, EINVAL, "ping", "address of %d bytes, timeout %d ms", addr_len,
				   timeout_ms);
	inet_ntop(addr_len == 4 ? AF_INET : AF_INET6, addr, job.what, sizeof(job.what));
	rc = lnw_ns_run(nsfd, ping_in_ns, &job, err);
	return rc < 0 ? rc : job.rtt;
}

struct listen_job {
	int port, v6, fd;
};

static int listen_in_ns(void *arg, struct lnw_err *err)
{
	struct listen_job *job = arg;
	int one = 1, zero = 0;
	struct sockaddr_in6 any = { .sin6_family = AF_INET6, .sin6_port = htons((uint16_t)job->port),
				    .sin6_addr = IN6ADDR_ANY_INIT };
	struct sockaddr_in any4 = { .sin_family = AF_INET, .sin_port = htons((uint16_t)job->port) };

	/* IPv6 and IPv4 on one socket where IPv6 exists; a sandbox without IPv6 gets IPv4 */
	job->fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	job->v6 = job->fd >= 0;
	if (!job->v6)
		job->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (job->fd < 0)
		return lnw_err_set(err, errno, "listen", "port %d: socket", job->port);
	setsockopt(job->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (job->v6)
		setsockopt(job->fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	if ((job->v6 ? bind(job->fd, (struct sockaddr *)&any, sizeof(any))
		     : bind(job->fd, (struct sockaddr *)&any4, sizeof(any4))) < 0 ||
	    listen(job->fd, 16) < 0) {
		int saved = errno;

		close(job->fd);
		return lnw_err_set(err, saved, "listen", "port %d", job->port);
	}
	return 0;
}

int lnw_probe_listen(int nsfd, int port, struct lnw_err *err)
{
	struct listen_job job = { .port = port, .fd = -1 };
	int rc;

	lnw_err_clear(err);
	if (port < 1 || port > 65535)
		return lnw_err_set(err, EINVAL, "listen", "port %d", port);
	rc = lnw_ns_run(nsfd, listen_in_ns, &job, err);
	return rc < 0 ? rc : job.fd;
}

int lnw_probe_serve(int fd, const char *reply, int timeout_ms, struct lnw_err *err)
{
	long long deadline = now_us() + (long long)timeout_ms * 1000;
	size_t len = reply ? strlen(reply) : 0, sent = 0;
	int c, rc;

	lnw_err_clear(err);
	rc = wait_for(fd, POLLIN, deadline);
	if (rc < 0)
		return lnw_err_set(err, -rc, "serve", "no connection in %d ms", timeout_ms);
	c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0)
		return lnw_err_set(err, errno, "serve", "accept");
	while (sent < len) {
		ssize_t n;

		rc = wait_for(c, POLLOUT, deadline);
		if (rc < 0) {
			close(c);
			return lnw_err_set(err, -rc, "serve", "send");
		}
		n = send(c, reply + sent, len - sent, MSG_NOSIGNAL);
		if (n < 0) {
			rc = lnw_err_set(err, errno, "serve", "send");
			close(c);
			return rc;
		}
		sent += (size_t)n;
	}
	close(c);
	return (int)sent;
}

struct fetch_job {
	const unsigned char *addr;
	int len, port, timeout_ms, cap, got;
	char *out;
	char what[INET6_ADDRSTRLEN + 8];
};

static int fetch_in_ns(void *arg, struct lnw_err *err)
{
	struct fetch_job *job = arg;
	int family = job->len == 4 ? AF_INET : AF_INET6;
	long long deadline = now_us() + (long long)job->timeout_ms * 1000;
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0), rc;

	if (fd < 0)
		return lnw_err_set(err, errno, "fetch", "%s: socket", job->what);
	if ((rc = lnw_sock_connect(fd, family, job->addr, job->len, job->port, job->timeout_ms, err)) < 0)
		goto out;
	for (;;) {
		ssize_t n;

		rc = wait_for(fd, POLLIN, deadline);
		if (rc < 0) {
			rc = lnw_err_set(err, -rc, "fetch", "%s: read", job->what);
			goto out;
		}
		n = recv(fd, job->out + job->got, (size_t)(job->cap - 1 - job->got), 0);
		if (n < 0) {
			rc = lnw_err_set(err, errno, "fetch", "%s: read", job->what);
			goto out;
		}
		job->got += (int)n;
		if (n == 0 || job->got >= job->cap - 1)
			break;
	}
	job->out[job->got] = '\0';
	rc = 0;
out:
	close(fd);
	return rc;
}

int lnw_probe_fetch(int nsfd, const unsigned char *addr, int addr_len, int port, char *out, int cap,
                    int timeout_ms, struct lnw_err *err)
{
	struct fetch_job job = { .addr = addr, .len = addr_len, .port = port, .timeout_ms = timeout_ms,
				 .cap = cap, .out = out };
	char ip[INET6_ADDRSTRLEN] = "";
	int rc;

	lnw_err_clear(err);
	if (!addr || (addr_len != 4 && addr_len != 16) || port < 1 || port > 65535 || !out || cap < 2 ||
	    timeout_ms <= 0)
		return lnw_err_set(err, EINVAL, "fetch", "address of %d bytes, port %d", addr_len, port);
	inet_ntop(addr_len == 4 ? AF_INET : AF_INET6, addr, ip, sizeof(ip));
	snprintf(job.what, sizeof(job.what), "%s port %d", ip, port);
	rc = lnw_ns_run(nsfd, fetch_in_ns, &job, err);
	return rc < 0 ? rc : job.got;
}
