package org.libnetwork4j;

import java.util.Objects;

/**
 * A range of address space cut into subnets of one size, from which networks without an
 * explicit subnet get theirs (Docker's {@code default-address-pools}: base + size). Base
 * 192.168.0.0/16 with size 20 offers 192.168.0.0/20, 192.168.16.0/20, ...
 */
public record AddressPool(IpPrefix base, int size) {
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

    public static AddressPool of(String base, int size) {
        return new AddressPool(IpPrefix.parse(base), size);
    }
}
