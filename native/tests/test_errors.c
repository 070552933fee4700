/* struct lnw_err: raw errnos, libnl's folded codes beside them, names, extended ack text. */
#include <arpa/inet.h>
#include <netlink/errno.h>

#include "t.h"

int main(void)
{
	struct lnw_err err;
	struct lnw_link br;
	int ns = t_netns();
	struct lnw_nl *h = lnw_nl_open_at(ns, &err);

	CHECK(h != NULL);
	if (!h)
		return t_done("errors");
	OK(lnw_link_bridge_create(h, "lnwt-br0", 0, 0, 1, NULL, 0, &br, &err), &err);

	/* EEXIST stays EEXIST, with its name, the operation and the object */
	FAILS(lnw_link_bridge_create(h, "lnwt-br0", 0, 0, 1, NULL, 0, &br, &err), EEXIST, &err);
	CHECK(err.nl_code == NLE_EXIST);
	CHECK(!strcmp(err.op, "create bridge"));
	CHECK(strstr(err.msg, "\"lnwt-br0\"") && strstr(err.msg, "(EEXIST)"));

	/* errnos libnl has no code for (it folds them all into NLE_FAILURE) come through raw:
	 * enslaving a bridge to itself is ELOOP */
	FAILS(lnw_link_set_master(h, br.index, br.index, &err), ELOOP, &err);
	CHECK(err.nl_code == NLE_FAILURE);
	/* and errno is never libnl's fold: ENODEV stays ENODEV beside libnl's NLE_NODEV */
	FAILS(lnw_link_set_up(h, 4242, &err), ENODEV, &err);
	CHECK(err.nl_code == NLE_NODEV);

	/* the kernel's extended ack reaches the message: a route via a link that is down */
	{
		struct lnw_route r = { .family = AF_INET, .dst_len = 24, .scope = -1, .priority = -1,
				       .oif = br.index };

		inet_pton(AF_INET, "10.1.2.0", r.dst);
		FAILS(lnw_route_add(h, &r, &err), ENETDOWN, &err);
		CHECK(strstr(err.msg, "(ENETDOWN): Device for nexthop is not up") != NULL);
	}

	/* an error is cleared by the next successful call */
	OK(lnw_link_get_by_name(h, "lnwt-br0", &br, &err), &err);
	CHECK(err.code == 0 && err.msg[0] == '\0');

	lnw_nl_close(h);
	close(ns);
	return t_done("errors");
}
