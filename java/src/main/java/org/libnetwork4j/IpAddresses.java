package org.libnetwork4j;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP address literals, parsed without ever asking DNS. ({@link InetAddress#getByName} looks up
 * anything that is not a well-formed literal, so {@code "10.0.0.256"} would become a DNS
 * query; network configuration must not depend on a resolver.)
 */
public final class IpAddresses {
    private IpAddresses() {
    }

    /**
     * Parses a dotted-quad IPv4 or an IPv6 literal (no zone, no brackets).
     *
     * @param text the literal; a dotted quad has four decimal parts of 0-255 without leading
     *             zeros
     * @return an {@link Inet4Address} for a dotted quad or an IPv4-mapped IPv6 literal
     *         ({@code ::ffff:1.2.3.4}), else an {@link Inet6Address}
     * @throws InvalidParameterException naming the text when it is not one (null and empty
     *                                   included)
     */
    public static InetAddress parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new InvalidParameterException("empty IP address");
        }
        if (text.indexOf(':') >= 0) {
            if (!ipv6Chars(text)) {
                throw new InvalidParameterException("invalid IP address \"" + text + "\"");
            }
            try {
                // The JDK reads a text that starts with a hex digit or ':' as a literal, or
                // fails; any other text it resolves ("zz:zz" became a DNS query before this
                // check). ("::ffff:1.2.3.4" comes back as an Inet4Address, as the kernel reads it.)
                return InetAddress.getByName(text);
            } catch (UnknownHostException e) {
                throw new InvalidParameterException("invalid IP address \"" + text + "\"");
            }
        }
        return parseIpv4(text);
    }

    /** Only what an IPv6 literal is made of, starting as the JDK needs to read it as one. */
    private static boolean ipv6Chars(String text) {
        char first = text.charAt(0);
        if (first != ':' && (first > 0x7f || Character.digit(first, 16) < 0)) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ':' && c != '.' && (c > 0x7f || Character.digit(c, 16) < 0)) {
                return false;
            }
        }
        return true;
    }

    private static Inet4Address parseIpv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new InvalidParameterException("invalid IP address \"" + text + "\"");
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')) {
                throw new InvalidParameterException("invalid IP address \"" + text + "\"");
            }
            int v = 0;
            for (int k = 0; k < p.length(); k++) {
                char c = p.charAt(k);
                if (c < '0' || c > '9') {
                    throw new InvalidParameterException("invalid IP address \"" + text + "\"");
                }
                v = v * 10 + (c - '0');
            }
            if (v > 255) {
                throw new InvalidParameterException("invalid IP address \"" + text + "\"");
            }
            b[i] = (byte) v;
        }
        return (Inet4Address) of(b);
    }

    /**
     * From 4 or 16 bytes.
     *
     * @param bytes the address, most significant byte first
     * @return the address; 16 bytes of an IPv4-mapped address give an {@link Inet4Address}
     * @throws InvalidParameterException if bytes is null or of another length
     */
    public static InetAddress of(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new InvalidParameterException("an IP address has 4 or 16 bytes, not "
                    + (bytes == null ? 0 : bytes.length));
        }
    }

    /**
     * The address in its usual text form ({@code 10.0.0.1}, {@code fd00::1}).
     *
     * @param a an IPv4 or IPv6 address
     * @return a dotted quad, or for IPv6 lower-case hex with the longest run of two or more
     *         zero groups written {@code ::}, as {@code ip} prints it; never a zone
     */
    public static String format(InetAddress a) {
        if (a instanceof Inet6Address) {
            // compress the JDK's full form (fd00:0:0:0:0:0:0:1) the way `ip` prints it
            return compressIpv6(a.getAddress());
        }
        return a.getHostAddress();
    }

    private static String compressIpv6(byte[] b) {
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) {
            w[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (w[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && w[j] == 0) {
                j++;
            }
            if (j - i > bestLen && j - i >= 2) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(w[i]));
        }
        return sb.toString();
    }
}
