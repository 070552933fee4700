package org.libnetwork4j.ipam;

import org.libnetwork4j.IpPrefix;

/**
 * What a network asks of IPAM.
 *
 * @param subnet  the subnet wanted, or null for one from the predefined pools
 * @param ipRange where dynamic addresses come from (Docker's --ip-range), null for the subnet
 * @param ipv6    the family, when subnet is null
 */
public record PoolRequest(IpPrefix subnet, IpPrefix ipRange, boolean ipv6) {
    public static PoolRequest any(boolean ipv6) {
        return new PoolRequest(null, null, ipv6);
    }

    public static PoolRequest of(IpPrefix subnet, IpPrefix ipRange) {
        return new PoolRequest(subnet, ipRange, !subnet.isIpv4());
    }
}
