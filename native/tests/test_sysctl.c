/* Namespaced sysctls: a write lands in the target namespace only. */
#include "t.h"

int main(void)
{
	struct lnw_err err;
	char buf[64], mine[64];
	int ns = t_netns(), own = lnw_netns_open("/proc/self/ns/net", &err);

	OK(own, &err);
	OK(lnw_sysctl_read(own, "net/ipv4/ip_forward", mine, sizeof(mine), &err), &err);
	OK(lnw_sysctl_write(ns, "net/ipv4/ip_forward", "1", &err), &err);
	OK(lnw_sysctl_read(ns, "net/ipv4/ip_forward", buf, sizeof(buf), &err), &err);
	CHECK(!strcmp(buf, "1"));
	CHECK(t_oracle_has(ns, "cat /proc/sys/net/ipv4/ip_forward", "1"));
	/* our own namespace did not change */
	OK(lnw_sysctl_read(own, "net/ipv4/ip_forward", buf, sizeof(buf), &err), &err);
	CHECK(!strcmp(buf, mine));

	OK(lnw_sysctl_write(ns, "net/ipv6/conf/lo/accept_ra", "0", &err), &err);
	OK(lnw_sysctl_write(ns, "net/ipv4/conf/lo/route_localnet", "1", &err), &err);
	OK(lnw_sysctl_read(ns, "net/ipv4/conf/lo/route_localnet", buf, sizeof(buf), &err), &err);
	CHECK(!strcmp(buf, "1"));

	OK(lnw_sysctl_write_all(ns, "net/ipv4/conf/lo/route_localnet=0\nnet/ipv6/conf/lo/accept_dad=0\n", &err), &err);
	CHECK(t_oracle_has(ns, "cat /proc/sys/net/ipv4/conf/lo/route_localnet", "0"));
	CHECK(t_oracle_has(ns, "cat /proc/sys/net/ipv6/conf/lo/accept_dad", "0"));
	FAILS(lnw_sysctl_write_all(ns, "net/ipv4/ip_forward=1\nnet/nope=1\n", &err), ENOENT, &err);
	FAILS(lnw_sysctl_write(ns, "net/ipv4/conf/nope0/forwarding", "1", &err), ENOENT, &err);
	FAILS(lnw_sysctl_write(ns, "../etc/passwd", "x", &err), EINVAL, &err);
	FAILS(lnw_sysctl_write(ns, "/net/ipv4/ip_forward", "1", &err), EINVAL, &err);
	FAILS(lnw_sysctl_write(ns, "net/ipv4/ip_forward", "banana", &err), EINVAL, &err);
	FAILS(lnw_sysctl_read(ns, "net/ipv4/ip_forward", buf, 1, &err), EINVAL, &err);

	close(ns);
	close(own);
	return t_done("sysctl");
}
