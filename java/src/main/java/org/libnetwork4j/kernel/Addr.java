package org.libnetwork4j.kernel;

import java.net.Inet4Address;
import java.util.Objects;

import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.internal.jni.LnwAddr;
import org.libnetwork4j.internal.jni.LnwNative;

/**
 * An address on a link (`ip addr add 10.0.0.2/24 dev eth0 [nodad]`).
 *
 * @param ifindex ifindex of the link the address is on
 * @param prefix the address and the length of its subnet's prefix, never null
 * @param flags IFA_F_* (see {@link #nodad()})
 * @param scope RT_SCOPE_*, or -1 to let the kernel choose
 * @param label the address's label (IFA_LABEL) as a dump reports it, "" for none; never sent
 *              when the address is added or deleted
 */
public record Addr(int ifindex, IpPrefix prefix, int flags, int scope, String label) {

    /**
     * Requires a prefix; a null label becomes "".
     *
     * @param ifindex ifindex of the link the address is on
     * @param prefix  the address and its prefix length, not null
     * @param flags   IFA_F_*
     * @param scope   RT_SCOPE_*, or -1
     * @param label   its label, null or "" for none
     */
    public Addr {
        Objects.requireNonNull(prefix, "prefix");
        label = label == null ? "" : label;
    }

    /**
     * An address with no flags, the scope left to the kernel and no label.
     *
     * @param ifindex ifindex of the link to put it on
     * @param prefix  the address and its prefix length
     * @return the address
     */
    public static Addr of(int ifindex, IpPrefix prefix) {
        return new Addr(ifindex, prefix, 0, -1, "");
    }

    /**
     * As {@link #of(int, IpPrefix)}, from text.
     *
     * @param ifindex ifindex of the link to put it on
     * @param cidr    {@code ADDRESS/LENGTH}, e.g. {@code 10.0.0.2/24}; a bare address is a host
     *                prefix (/32 or /128)
     * @return the address
     * @throws org.libnetwork4j.InvalidParameterException if cidr is not a valid prefix
     */
    public static Addr of(int ifindex, String cidr) {
        return of(ifindex, IpPrefix.parse(cidr));
    }

    /**
     * IPv6 without duplicate address detection: usable at once, never "tentative".
     *
     * @return a copy with IFA_F_NODAD added to its flags
     */
    public Addr nodad() {
        return new Addr(ifindex, prefix, flags | LnwNative.IFA_F_NODAD, scope, label);
    }

    /** @return AF_INET for an IPv4 prefix, AF_INET6 for an IPv6 one (the C headers' values) */
    public int family() {
        return prefix.address() instanceof Inet4Address ? LnwNative.AF_INET : LnwNative.AF_INET6;
    }

    LnwAddr toNative() {
        LnwAddr a = new LnwAddr();
        a.ifindex = ifindex;
        a.family = family();
        a.prefixlen = prefix.length();
        a.flags = flags;
        a.scope = scope;
        byte[] b = prefix.address().getAddress();
        System.arraycopy(b, 0, a.addr, 0, b.length);
        return a;
    }

    static Addr of(LnwAddr a) {
        byte[] b = java.util.Arrays.copyOf(a.addr, a.family == LnwNative.AF_INET ? 4 : 16);
        return new Addr(a.ifindex, new IpPrefix(IpAddresses.of(b), a.prefixlen), a.flags, a.scope,
                Errors.cString(a.label));
    }

    @Override
    public String toString() {
        return prefix + " dev index " + ifindex;
    }
}
