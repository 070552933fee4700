package org.libnetwork4j;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;

/**
 * An IP address with a prefix length: a subnet ({@code 10.0.0.0/24}) or an interface address
 * within one ({@code 10.0.0.2/24}). The address is kept as given; {@link #network()} masks
 * it.
 */
public record IpPrefix(InetAddress address, int length) {

    public IpPrefix {
        Objects.requireNonNull(address, "address");
        int max = bits(address);
        if (length < 0 || length > max) {
            throw new InvalidParameterException("invalid prefix length " + length + " for "
                    + IpAddresses.format(address) + " (0.." + max + ")");
        }
    }

    /** Parses {@code ADDRESS/LENGTH}; a bare address means a host prefix (/32 or /128). */
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

    public static int bits(InetAddress a) {
        return a instanceof Inet4Address ? 32 : 128;
    }

    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    /** The prefix with host bits cleared. */
    public IpPrefix network() {
        return new IpPrefix(IpAddresses.of(mask(address.getAddress(), length)), length);
    }

    /** Whether {@code a} lies inside this prefix (same family, same leading bits). */
    public boolean contains(InetAddress a) {
        if (bits(a) != bits(address)) {
            return false;
        }
        byte[] x = mask(a.getAddress(), length);
        byte[] y = mask(address.getAddress(), length);
        return java.util.Arrays.equals(x, y);
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
