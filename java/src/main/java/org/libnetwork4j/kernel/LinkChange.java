package org.libnetwork4j.kernel;

/**
 * Changes to an existing link that {@link Netlink#change} sends in one request: {@code ip link
 * set dev X [up|down] [alias A] [addrgenmode none|eui64] [group G]}. What is not named stays as
 * it is.
 *
 * @param up            true up, false down, null as it is
 * @param alias         the link's alias (at most 255 bytes), null as it is
 * @param ipv6LinkLocal whether it makes itself an IPv6 link-local address (see
 *                      {@link Netlink#setIpv6LinkLocal}), null as it is
 * @param group         the link's group (see {@link Netlink#deleteGroup}), null as it is
 */
public record LinkChange(Boolean up, String alias, Boolean ipv6LinkLocal, Integer group) {
    /** Changes nothing: the start of a chain, e.g. {@code LinkChange.NONE.up(true).alias("ep1")}. */
    public static final LinkChange NONE = new LinkChange(null, null, null, null);

    /**
     * @param u true to bring the link up, false to take it down
     * @return a copy that does so
     */
    public LinkChange up(boolean u) {
        return new LinkChange(u, alias, ipv6LinkLocal, group);
    }

    /**
     * @param a the alias to set (at most 255 bytes), null to leave it as it is
     * @return a copy that sets it
     */
    public LinkChange alias(String a) {
        return new LinkChange(up, a, ipv6LinkLocal, group);
    }

    /**
     * @param on whether the link makes itself an IPv6 link-local address ({@code addrgenmode
     *           eui64}) or not ({@code addrgenmode none})
     * @return a copy that sets it
     */
    public LinkChange ipv6LinkLocal(boolean on) {
        return new LinkChange(up, alias, on, group);
    }

    /**
     * @param g the group to put the link in; 0 is the default group of every link
     * @return a copy that does so
     * @throws IllegalArgumentException if g is negative
     */
    public LinkChange group(int g) {
        if (g < 0) {
            throw new IllegalArgumentException("group " + g + " is negative");
        }
        return new LinkChange(up, alias, ipv6LinkLocal, g);
    }
}
