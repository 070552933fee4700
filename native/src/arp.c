/*
 * arp.c - gratuitous ARP: telling the hosts on a link which MAC an IPv4 address has now.
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
#include <netpacket/packet.h>
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
