/* Settling links: a datagram a container sends to its gateway the moment its interface is up
 * arrives at once. Without lnw_link_settle the kernel's link-watch worker attaches the queues
 * of the veth's host end (and of a bridge whose first port this is) a few milliseconds later,
 * and what is sent toward the container meanwhile is dropped: the gateway's ARP reply, so the
 * datagram waits for the ARP retry, a second later (about every other one here without it). */
#include <poll.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "t.h"

int main(void)
{
	static const unsigned char brmac[6] = { 0x02, 0x5e, 0x00, 0x00, 0x00, 0x09 };
	struct lnw_err err;
	struct lnw_link br, host, peer;
	struct lnw_addr gw;
	int hostns = t_netns();
	struct lnw_nl *h = lnw_nl_open_at(hostns, &err);

	CHECK(h != NULL);
	if (!h)
		return t_done("settle");
	OK(lnw_link_bridge_create(h, "lnwt-sbr", 0, 1, 0, brmac, 6, &br, &err), &err);
	gw = t_v4(br.index, "10.78.0.1", 24);
	OK(lnw_addr_add(h, &gw, &err), &err);
	/* no port: a bridge with an address of its own has no carrier */
	CHECK(lnw_link_settle(h, "lnwt-sbr", &err) == 0);
	int server = OK(lnw_port_socket(hostns, AF_INET, IPPROTO_UDP, &err), &err);
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_port = htons(9999) };

	memcpy(&to.sin_addr, gw.addr, 4);
	OK(lnw_port_bind(server, AF_INET, gw.addr, 4, 9999, NULL, &err), &err);

	for (int i = 0; i < 10; i++) {
		int ctns = t_netns();
		struct lnw_nl *c = lnw_nl_open_at(ctns, &err);
		/* made before the interface, so that nothing stands between up and send */
		int client = OK(lnw_port_socket(ctns, AF_INET, IPPROTO_UDP, &err), &err);
		struct pollfd p = { .fd = server, .events = POLLIN };
		struct lnw_addr a;
		char vname[16], buf[4];

		CHECK(c != NULL);
		if (!c || client < 0 || server < 0)
			break;
		snprintf(vname, sizeof(vname), "lnwt-s%d", i);
		OK(lnw_link_veth_create(h, vname, c, "eth0", br.index, 0, 1, NULL, 0, &host, &peer,
					&err), &err);
		a = t_v4(peer.index, "10.78.0.2", 24);
		OK(lnw_addr_add(c, &a, &err), &err);
		OK(lnw_link_set_up(c, peer.index, &err), &err);
		/* the host end first: it is the bridge's first port, whose carrier gives the
		 * bridge its own */
		CHECK(OK(lnw_link_settle(h, vname, &err), &err) == 1);
		CHECK(OK(lnw_link_settle(h, "lnwt-sbr", &err), &err) == 1);
		CHECK(connect(client, (struct sockaddr *)&to, sizeof(to)) == 0);
		CHECK(send(client, "hi", 2, 0) == 2);
		if (poll(&p, 1, 250) != 1) {
			fprintf(stderr, "container %d: its first datagram did not arrive in 250 ms\n", i);
			CHECK(0);
		} else {
			CHECK(recv(server, buf, sizeof(buf), 0) == 2);
		}
		close(client);
		lnw_nl_close(c);
		close(ctns);
		OK(lnw_link_delete(h, host.index, &err), &err);
	}
	CHECK(lnw_link_settle(h, "lnwt-sbr", &err) == 0);

	FAILS(lnw_link_settle(h, "lnwt-none", &err), ENODEV, &err);
	FAILS(lnw_link_settle(h, "0123456789abcdef", &err), EINVAL, &err);
	close(server);
	lnw_nl_close(h);
	close(hostns);
	return t_done("settle");
}
