package org.libnetwork4j.kernel;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;

import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.internal.jni.LnwNative;
import org.libnetwork4j.internal.jni.LnwRoute;

/**
 * A route (`ip route add DST [via GW] [dev IF] [onlink] [metric M] [table T]`).
 * {@code Route.defaultVia(gateway, ifindex)}, {@code Route.to(prefix).dev(ifindex)}.
 *
 * @param destination the destination prefix; {@code 0.0.0.0/0} or {@code ::/0} is the default
 * @param gateway     next hop, null for a device route
 * @param oif         output ifindex, 0 for none
 * @param onlink      the gateway is on the link even if no subnet there contains it
 * @param table       routing table, 0 for main
 * @param metric      priority, -1 for none
 * @param protocol    RTPROT_*, 0 for boot (what `ip route add` uses)
 * @param scope       RT_SCOPE_*, -1 to derive it (universe with a gateway, link without)
 * @param type        RTN_*, 0 for unicast
 */
public record Route(IpPrefix destination, InetAddress gateway, int oif, boolean onlink,
        int table, int metric, int protocol, int scope, int type) {

    /**
     * Requires a destination, and a gateway (if any) of its family.
     *
     * @param destination the destination prefix, not null
     * @param gateway     next hop, null for a device route
     * @param oif         output ifindex, 0 for none
     * @param onlink      the gateway is on the link whatever its subnets
     * @param table       routing table, 0 for main
     * @param metric      priority, -1 for none
     * @param protocol    RTPROT_*, 0 for boot
     * @param scope       RT_SCOPE_*, -1 to derive it
     * @param type        RTN_*, 0 for unicast
     * @throws InvalidParameterException if the gateway is of another address family than the
     *         destination
     */
    public Route {
        Objects.requireNonNull(destination, "destination");
        if (gateway != null && IpPrefix.bits(gateway) != IpPrefix.bits(destination.address())) {
            throw new InvalidParameterException("route to " + destination + ": gateway "
                    + IpAddresses.format(gateway) + " is of another address family");
        }
    }

    /**
     * A unicast route to destination in the main table, without gateway, device or metric. It
     * needs a gateway ({@link #via}) or a device ({@link #dev}) before it can be added.
     *
     * @param destination the destination prefix
     * @return the route
     */
    public static Route to(IpPrefix destination) {
        return new Route(destination, null, 0, false, 0, -1, 0, -1, 0);
    }

    /**
     * The default route of gateway's family through it.
     *
     * @param gateway the next hop, IPv4 or IPv6
     * @param oif     output ifindex, 0 to leave it to the kernel
     * @return the route, in the main table, without metric
     */
    public static Route defaultVia(InetAddress gateway, int oif) {
        IpPrefix any = gateway instanceof Inet4Address
                ? new IpPrefix(IpAddresses.of(new byte[4]), 0)
                : new IpPrefix(IpAddresses.of(new byte[16]), 0);
        return new Route(any, gateway, oif, false, 0, -1, 0, -1, 0);
    }

    /**
     * @param gw the next hop, of the destination's family; null for a device route
     * @return a copy through it
     * @throws InvalidParameterException if gw is of another address family
     */
    public Route via(InetAddress gw) {
        return new Route(destination, gw, oif, onlink, table, metric, protocol, scope, type);
    }

    /**
     * @param ifindex output ifindex, 0 for none
     * @return a copy through that link
     */
    public Route dev(int ifindex) {
        return new Route(destination, gateway, ifindex, onlink, table, metric, protocol, scope, type);
    }

    /**
     * The gateway is reachable on the link even if no subnet there contains it.
     *
     * @return a copy with RTNH_F_ONLINK
     */
    public Route onLink() {
        return new Route(destination, gateway, oif, true, table, metric, protocol, scope, type);
    }

    /**
     * @param t routing table id, 0 for main
     * @return a copy in that table
     */
    public Route table(int t) {
        return new Route(destination, gateway, oif, onlink, t, metric, protocol, scope, type);
    }

    /**
     * @param m priority (lower is preferred), -1 for none
     * @return a copy with that metric
     */
    public Route metric(int m) {
        return new Route(destination, gateway, oif, onlink, table, m, protocol, scope, type);
    }

    /**
     * In the main routing table (what `ip route` shows without a table).
     *
     * @return whether {@link #table()} is 0 or RT_TABLE_MAIN (254, what dumps report)
     */
    public boolean isMainTable() {
        return table == 0 || table == LnwNative.RT_TABLE_MAIN;
    }

    /** @return whether the destination's prefix length is 0 ({@code 0.0.0.0/0} or {@code ::/0}) */
    public boolean isDefault() {
        return destination.length() == 0;
    }

    /** @return AF_INET for an IPv4 destination, AF_INET6 for an IPv6 one (the C headers' values) */
    public int family() {
        return destination.isIpv4() ? LnwNative.AF_INET : LnwNative.AF_INET6;
    }

    LnwRoute toNative() {
        LnwRoute r = new LnwRoute();
        r.family = family();
        r.dst_len = destination.length();
        byte[] d = destination.address().getAddress();
        System.arraycopy(d, 0, r.dst, 0, d.length);
        if (gateway != null) {
            r.has_gateway = 1;
            byte[] g = gateway.getAddress();
            System.arraycopy(g, 0, r.gateway, 0, g.length);
        }
        r.oif = oif;
        r.flags = onlink ? LnwNative.RTNH_F_ONLINK : 0;
        r.table = table;
        r.priority = metric;
        r.protocol = protocol;
        r.scope = scope;
        r.type = type;
        return r;
    }

    static Route of(LnwRoute r) {
        int len = r.family == LnwNative.AF_INET ? 4 : 16;
        IpPrefix dst = new IpPrefix(IpAddresses.of(Arrays.copyOf(r.dst, len)), r.dst_len);
        InetAddress gw = r.has_gateway != 0 ? IpAddresses.of(Arrays.copyOf(r.gateway, len)) : null;
        return new Route(dst, gw, r.oif, (r.flags & LnwNative.RTNH_F_ONLINK) != 0, r.table,
                r.priority, r.protocol, r.scope, r.type);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(isDefault() ? "default" : destination.toString());
        if (gateway != null) {
            sb.append(" via ").append(IpAddresses.format(gateway));
        }
        if (oif > 0) {
            sb.append(" dev index ").append(oif);
        }
        if (onlink) {
            sb.append(" onlink");
        }
        return sb.toString();
    }
}
