package org.libnetwork4j;


/**
 * A 48-bit Ethernet address, held as the low 48 bits of a long.
 * {@code MacAddress.parse("02:42:ac:11:00:02")}.
 *
 * @param value the address, first octet in bits 47-40; the upper 16 bits are zero
 */
public record MacAddress(long value) {

    /**
     * Checks that value fits in 48 bits.
     *
     * @param value the address in the low 48 bits
     * @throws InvalidParameterException if any of its upper 16 bits is set
     */
    public MacAddress {
        if ((value & ~0xFFFF_FFFF_FFFFL) != 0) {
            throw new InvalidParameterException("MAC address value " + Long.toHexString(value)
                    + " has more than 48 bits");
        }
    }

    /**
     * Parses {@code xx:xx:xx:xx:xx:xx} (or with '-'); hex digits in either case. By hand, not
     * with a regular expression: a restart parses one per stored endpoint.
     *
     * @param text six two-digit hex octets separated by ':' or '-'
     * @return the address
     * @throws InvalidParameterException if text is null or not of that form
     */
    public static MacAddress parse(String text) {
        if (text == null || text.length() != 17) {
            throw new InvalidParameterException("invalid MAC address \"" + text + "\"");
        }
        long v = 0;
        for (int i = 0; i < 6; i++) {
            int hi = Character.digit(text.charAt(3 * i), 16);
            int lo = Character.digit(text.charAt(3 * i + 1), 16);
            char sep = i < 5 ? text.charAt(3 * i + 2) : ':';
            if (hi < 0 || lo < 0 || sep != ':' && sep != '-') {
                throw new InvalidParameterException("invalid MAC address \"" + text + "\"");
            }
            v = (v << 8) | (hi << 4) | lo;
        }
        return new MacAddress(v);
    }

    /**
     * A random locally administered unicast address (as Docker gives its bridges).
     *
     * @return an address with 46 random bits; not guaranteed unique
     */
    public static MacAddress random() {
        long v = java.util.concurrent.ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFF_FFFFL;
        // first octet: bit 1 set (locally administered), bit 0 clear (unicast)
        return new MacAddress((v & ~(0x01L << 40)) | (0x02L << 40));
    }

    /**
     * From 6 bytes, most significant first.
     *
     * @param bytes the address in its first 6 bytes; any further bytes are ignored
     * @return the address
     * @throws InvalidParameterException if bytes is null or shorter than 6
     */
    public static MacAddress of(byte[] bytes) {
        if (bytes == null || bytes.length < 6) {
            throw new InvalidParameterException("a MAC address needs 6 bytes");
        }
        long v = 0;
        for (int i = 0; i < 6; i++) {
            v = (v << 8) | (bytes[i] & 0xFF);
        }
        return new MacAddress(v);
    }

    /**
     * The address as bytes, as {@link #of} takes them.
     *
     * @return a new 6-byte array, most significant first
     */
    public byte[] toBytes() {
        byte[] b = new byte[6];
        for (int i = 5, shift = 0; i >= 0; i--, shift += 8) {
            b[i] = (byte) (value >>> shift);
        }
        return b;
    }

    /**
     * Locally administered, unicast: what Docker derives from an IPv4 address (02:42:...).
     *
     * @return true if the first octet has bit 1 set and bit 0 clear
     */
    public boolean isLocallyAdministeredUnicast() {
        int first = (int) (value >>> 40);
        return (first & 0x02) != 0 && (first & 0x01) == 0;
    }

    /** {@code 02:42:0a:00:00:02}. (Not String.format: it parses its pattern on every call.) */
    @Override
    public String toString() {
        char[] c = new char[17];
        for (int i = 0; i < 6; i++) {
            int b = (int) (value >>> (40 - 8 * i)) & 0xFF;
            c[3 * i] = HEX[b >>> 4];
            c[3 * i + 1] = HEX[b & 0xF];
            if (i < 5) {
                c[3 * i + 2] = ':';
            }
        }
        return new String(c);
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();
}
