/*
 * arp.c - announcing neighbours: telling the hosts on a link which MAC an address has now,
 * by gratuitous ARP for IPv4 and unsolicited neighbour advertisement for IPv6.
 *
 * The overlay driver sends them on a network's bridge for remote peers it has just programmed:
 * a container that asked for such an address before the peer was known got no answer (the
 * VXLAN device answers ARP only from its neighbour table and drops what it cannot answer) and
 * would ask again only after its retransmit time, a second. Linux takes a gratuitous ARP into
 * an entry it already has (incomplete, failed or with an old MAC; the queued packets then
 * leave at once) and, with arp_accept off as by default, makes no new entry from it: hosts
 * that never asked are not touched.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <net/ethernet.h>
#include <net/if_arp.h>
#include <netinet/icmp6.h>
#include <netinet/ip6.h>
#include <netpacket/packet.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lnw_internal.h"

#define OP "announce arp"
#define ENTRY_LEN 10 /* 4 bytes of IPv4 address, 6 of MAC */
#define MAX_ENTRIES 65536

struct garp {
	struct ether_header eth;
	struct arphdr arp;
	unsigned char sha[ETH_ALEN];
	unsigned char sip[4];
	unsigned char tha[ETH_ALEN];
	unsigned char tip[4];
} __attribute__((packed));

struct announce_job {
	int ifindex;
	const unsigned char *entries;
	int count;
	int sent;
};

static int announce_in_ns(void *arg, struct lnw_err *err)
{
	struct announce_job *job = arg;
	struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ARP),
				  .sll_ifindex = job->ifindex, .sll_halen = ETH_ALEN };
	/* protocol 0: a socket that only sends, and never has a queue of received frames */
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return lnw_err_set(err, errno, OP, "packet socket");
	memset(to.sll_addr, 0xff, ETH_ALEN);
	for (int i = 0; i < job->count; i++) {
		const unsigned char *ip = job->entries + i * ENTRY_LEN, *mac = ip + 4;
		struct garp g = { 0 };

		memset(g.eth.ether_dhost, 0xff, ETH_ALEN);
		memcpy(g.eth.ether_shost, mac, ETH_ALEN);
		g.eth.ether_type = htons(ETH_P_ARP);
		g.arp.ar_hrd = htons(ARPHRD_ETHER);
		g.arp.ar_pro = htons(ETH_P_IP);
		g.arp.ar_hln = ETH_ALEN;
		g.arp.ar_pln = 4;
		/* a reply whose target is its sender (RFC 5227's announcement is a request, but a
		 * VXLAN device in proxy mode on the same bridge would answer a request itself) */
		g.arp.ar_op = htons(ARPOP_REPLY);
		memcpy(g.sha, mac, ETH_ALEN);
		memcpy(g.sip, ip, 4);
		memcpy(g.tha, mac, ETH_ALEN);
		memcpy(g.tip, ip, 4);
		if (sendto(fd, &g, sizeof(g), 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
			int e = errno;
			char a[INET_ADDRSTRLEN];

			close(fd);
			inet_ntop(AF_INET, ip, a, sizeof(a));
			return lnw_err_set(err, e, OP, "%s on link index %d", a, job->ifindex);
		}
		job->sent++;
	}
	close(fd);
	return job->sent;
}

int lnw_arp_announce(int nsfd, int ifindex, const unsigned char *entries, int count,
                     struct lnw_err *err)
{
	struct announce_job job = { .ifindex = ifindex, .entries = entries, .count = count };

	lnw_err_clear(err);
	if (ifindex <= 0)
		return lnw_err_set(err, EINVAL, OP, "interface index %d", ifindex);
	if (count < 0 || count > MAX_ENTRIES || (count > 0 && !entries))
		return lnw_err_set(err, EINVAL, OP, "%d entries", count);
	if (count == 0)
		return 0;
	return lnw_ns_run(nsfd, announce_in_ns, &job, err);
}

/* ---- IPv6: unsolicited neighbour advertisements (RFC 4861, 7.2.6) ---- */

#define NA_OP "announce neighbour"
#define NA_ENTRY_LEN 22 /* 16 bytes of IPv6 address, 6 of MAC */
#define MAX_PORTS 4096

struct una {
	struct ether_header eth;
	struct ip6_hdr ip6;
	struct nd_neighbor_advert na;
	struct nd_opt_hdr opt;
	unsigned char lladdr[ETH_ALEN];
} __attribute__((packed));

struct na_job {
	const int *ifindexes;
	int nifs;
	const unsigned char *entries;
	int count;
	int sent;
};

static uint32_t sum16(uint32_t sum, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

/* The ICMPv6 checksum: over the pseudo-header (addresses, length, next header) and the
 * message. The kernel drops an advertisement whose sum is wrong before ndisc sees it. */
static uint16_t icmp6_sum(const unsigned char *src, const unsigned char *dst, const void *msg, size_t len)
{
	uint32_t sum = 0;

	sum = sum16(sum, src, 16);
	sum = sum16(sum, dst, 16);
	sum += (uint32_t)len;
	sum += IPPROTO_ICMPV6;
	sum = sum16(sum, msg, len);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static void na_build(struct una *u, const unsigned char *ip, const unsigned char *mac)
{
	static const unsigned char all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };

	memset(u, 0, sizeof(*u));
	/* 33:33 and the group's last 32 bits: ff02::1's MAC */
	memcpy(u->eth.ether_dhost, (unsigned char[]){ 0x33, 0x33, 0, 0, 0, 0x01 }, ETH_ALEN);
	memcpy(u->eth.ether_shost, mac, ETH_ALEN);
	u->eth.ether_type = htons(ETH_P_IPV6);
	u->ip6.ip6_flow = htonl(6u << 28);
	u->ip6.ip6_plen = htons(sizeof(*u) - sizeof(u->eth) - sizeof(u->ip6));
	u->ip6.ip6_nxt = IPPROTO_ICMPV6;
	u->ip6.ip6_hlim = 255; /* ndisc drops anything that may have crossed a router */
	memcpy(&u->ip6.ip6_src, ip, 16);
	memcpy(&u->ip6.ip6_dst, all_nodes, 16);
	u->na.nd_na_type = ND_NEIGHBOR_ADVERT;
	/* override, not solicited (a solicited one to a multicast group is dropped), not a router */
	u->na.nd_na_flags_reserved = ND_NA_FLAG_OVERRIDE;
	memcpy(&u->na.nd_na_target, ip, 16);
	u->opt.nd_opt_type = ND_OPT_TARGET_LINKADDR;
	u->opt.nd_opt_len = 1; /* in units of 8 bytes: the header and the MAC */
	memcpy(u->lladdr, mac, ETH_ALEN);
	u->na.nd_na_cksum = icmp6_sum(ip, all_nodes, (const unsigned char *)u + offsetof(struct una, na),
				      sizeof(*u) - offsetof(struct una, na));
}

static int na_in_ns(void *arg, struct lnw_err *err)
{
	struct na_job *job = arg;
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0); /* sends only, as above */

	if (fd < 0)
		return lnw_err_set(err, errno, NA_OP, "packet socket");
	for (int i = 0; i < job->count; i++) {
		const unsigned char *ip = job->entries + i * NA_ENTRY_LEN, *mac = ip + 16;
		struct una u;

		na_build(&u, ip, mac);
		for (int l = 0; l < job->nifs; l++) {
			struct sockaddr_ll to = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IPV6),
						  .sll_ifindex = job->ifindexes[l], .sll_halen = ETH_ALEN };

			memcpy(to.sll_addr, u.eth.ether_dhost, ETH_ALEN);
			if (sendto(fd, &u, sizeof(u), 0, (struct sockaddr *)&to, sizeof(to)) < 0) {
				int e = errno;
				char a[INET6_ADDRSTRLEN];

				close(fd);
				inet_ntop(AF_INET6, ip, a, sizeof(a));
				return lnw_err_set(err, e, NA_OP, "%s on link index %d", a, job->ifindexes[l]);
			}
			job->sent++;
		}
	}
	close(fd);
	return job->sent;
}

int lnw_ndisc_announce(int nsfd, const int *ifindexes, int nifs, const unsigned char *entries, int count,
                       struct lnw_err *err)
{
	struct na_job job = { .ifindexes = ifindexes, .nifs = nifs, .entries = entries, .count = count };

	lnw_err_clear(err);
	if (nifs < 0 || nifs > MAX_PORTS || (nifs > 0 && !ifindexes))
		return lnw_err_set(err, EINVAL, NA_OP, "%d links", nifs);
	for (int l = 0; l < nifs; l++)
		if (ifindexes[l] <= 0)
			return lnw_err_set(err, EINVAL, NA_OP, "interface index %d", ifindexes[l]);
	if (count < 0 || count > MAX_ENTRIES || (count > 0 && !entries))
		return lnw_err_set(err, EINVAL, NA_OP, "%d entries", count);
	if (count == 0 || nifs == 0)
		return 0;
	return lnw_ns_run(nsfd, na_in_ns, &job, err);
}
