package org.libnetwork4j.kernel;

/**
 * Changes to an existing link that {@link Netlink#change} sends in one request: {@code ip link
 * set dev X [up|down] [alias A] [addrgenmode none|eui64]}. What is not named stays as it is.
 *
 * @param up            true up, false down, null as it is
 * @param alias         the link's alias (at most 255 bytes), null as it is
 * @param ipv6LinkLocal whether it makes itself an IPv6 link-local address (see
 *                      {@link Netlink#setIpv6LinkLocal}), null as it is
 */
public record LinkChange(Boolean up, String alias, Boolean ipv6LinkLocal) {
    public static final LinkChange NONE = new LinkChange(null, null, null);

    public LinkChange up(boolean u) {
        return new LinkChange(u, alias, ipv6LinkLocal);
    }

    public LinkChange alias(String a) {
        return new LinkChange(up, a, ipv6LinkLocal);
    }

    public LinkChange ipv6LinkLocal(boolean on) {
        return new LinkChange(up, alias, on);
    }
}
