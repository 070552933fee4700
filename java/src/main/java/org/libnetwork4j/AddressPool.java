package org.libnetwork4j;

import java.util.Objects;

/**
 * A range of address space cut into subnets of one size, from which networks without an
 * explicit subnet get theirs (Docker's {@code default-address-pools}: base + size). Base
 * 192.168.0.0/16 with size 20 offers 192.168.0.0/20, 192.168.16.0/20, ...
 *
 * @param base the address space, with no host bits set
 * @param size the prefix length of each subnet cut from it: at least base's own, at most 32
 *             for IPv4 or 128 for IPv6
 */
public record AddressPool(IpPrefix base, int size) {
    /**
     * Checks that base has no host bits set and that size lies between its prefix length and
     * the length of its addresses.
     *
     * @param base the address space, not null, without host bits
     * @param size the subnets' prefix length
     * @throws InvalidParameterException if either does not hold
     */
    public AddressPool {
        Objects.requireNonNull(base, "base");
        if (size < base.length() || size > IpPrefix.bits(base.address())) {
            throw new InvalidParameterException("address pool " + base + ": size " + size
                    + " must be between " + base.length() + " and " + IpPrefix.bits(base.address()));
        }
        if (!base.equals(base.network())) {
            throw new InvalidParameterException("address pool base " + base + " has host bits set;"
                    + " it should be " + base.network());
        }
    }

    /**
     * A pool as Docker writes it: {@code AddressPool.of("10.10.0.0/16", 24)}.
     *
     * @param base the address space in CIDR notation
     * @param size the prefix length of each subnet cut from it
     * @return the pool
     * @throws InvalidParameterException if base is not a CIDR, has host bits set, or size does
     *                                   not fit it
     */
    public static AddressPool of(String base, int size) {
        return new AddressPool(IpPrefix.parse(base), size);
    }
}
