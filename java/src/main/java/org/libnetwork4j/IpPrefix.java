package org.libnetwork4j;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * An IP address with a prefix length: a subnet ({@code 10.0.0.0/24}) or an interface address
 * within one ({@code 10.0.0.2/24}). The address is kept as given; {@link #network()} masks
 * it.
 *
 * @param address the address, host bits included
 * @param length  the prefix length: 0 to 32 for IPv4, 0 to 128 for IPv6
 */
public record IpPrefix(InetAddress address, int length) {

    /**
     * Checks that length fits the address's family.
     *
     * @param address the address, not null
     * @param length  the prefix length, 0 to 32 or 128
     * @throws NullPointerException      if address is null
     * @throws InvalidParameterException if length is out of range
     */
    public IpPrefix {
        Objects.requireNonNull(address, "address");
        int max = bits(address);
        if (length < 0 || length > max) {
            throw new InvalidParameterException("invalid prefix length " + length + " for "
                    + IpAddresses.format(address) + " (0.." + max + ")");
        }
    }

    /**
     * Parses {@code ADDRESS/LENGTH}; a bare address means a host prefix (/32 or /128).
     *
     * @param text the CIDR, its address as {@link IpAddresses#parse} takes it
     * @return the prefix, host bits kept
     * @throws InvalidParameterException naming the text if it is not a CIDR (null and empty
     *                                   included)
     */
    public static IpPrefix parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new InvalidParameterException("empty CIDR");
        }
        int slash = text.indexOf('/');
        try {
            if (slash < 0) {
                InetAddress a = IpAddresses.parse(text);
                return new IpPrefix(a, bits(a));
            }
            InetAddress a = IpAddresses.parse(text.substring(0, slash));
            String len = text.substring(slash + 1);
            if (len.isEmpty() || len.length() > 3 || !len.chars().allMatch(Character::isDigit)) {
                throw new InvalidParameterException("invalid CIDR \"" + text + "\"");
            }
            return new IpPrefix(a, Integer.parseInt(len));
        } catch (InvalidParameterException e) {
            throw new InvalidParameterException("invalid CIDR \"" + text + "\"");
        }
    }

    /**
     * The length of an address of a's family.
     *
     * @param a an address
     * @return 32 for an IPv4 address, else 128
     */
    public static int bits(InetAddress a) {
        return a instanceof Inet4Address ? 32 : 128;
    }

    /** @return true for an IPv4 prefix, false for IPv6 */
    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    /**
     * The prefix with host bits cleared.
     *
     * @return {@code 10.0.0.0/24} for {@code 10.0.0.2/24}; an equal prefix if no host bit is set
     */
    public IpPrefix network() {
        return new IpPrefix(IpAddresses.of(mask(address.getAddress(), length)), length);
    }

    /**
     * Whether {@code a} lies inside this prefix (same family, same leading bits).
     *
     * @param a the address to test
     * @return true if it does; false for an address of the other family
     */
    public boolean contains(InetAddress a) {
        if (bits(a) != bits(address)) {
            return false;
        }
        byte[] x = mask(a.getAddress(), length);
        byte[] y = mask(address.getAddress(), length);
        return java.util.Arrays.equals(x, y);
    }

    /**
     * Whether this prefix and other share an address (one holds the other's first address).
     *
     * @param other another prefix
     * @return true if they overlap; false for prefixes of different families
     */
    public boolean overlaps(IpPrefix other) {
        return isIpv4() == other.isIpv4() && (contains(other.address()) || other.contains(address()));
    }

    private static byte[] mask(byte[] b, int length) {
        byte[] out = b.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, length - 8 * i));
            out[i] &= (byte) (0xFF << (8 - keep));
        }
        return out;
    }

    @Override
    public String toString() {
        return IpAddresses.format(address) + "/" + length;
    }
}
