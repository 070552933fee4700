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
    /**
     * A pool from the predefined ones.
     *
     * @param ipv6 the family: true for IPv6
     * @return the request, without subnet or range
     */
    public static PoolRequest any(boolean ipv6) {
        return new PoolRequest(null, null, ipv6);
    }

    /**
     * A pool of this subnet, its family taken from it.
     *
     * @param subnet  the subnet wanted, not null
     * @param ipRange where dynamic addresses come from, or null for the whole subnet
     * @return the request
     */
    public static PoolRequest of(IpPrefix subnet, IpPrefix ipRange) {
        return new PoolRequest(subnet, ipRange, !subnet.isIpv4());
    }
}
