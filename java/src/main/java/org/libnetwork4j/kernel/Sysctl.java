package org.libnetwork4j.kernel;

import org.libnetwork4j.internal.jni.LnwErr;
import org.libnetwork4j.internal.jni.LnwNative;

/**
 * Namespaced sysctls ({@code /proc/sys/net/...}), written inside the given namespace by a
 * native thread that enters it (or by the calling thread, when the namespace is the one it
 * is in already); no JVM thread ever changes its namespace. Keys are paths
 * below /proc/sys with '/' separators, because interface names may contain dots.
 */
public final class Sysctl {
    static {
        NativeLoader.ensureLoaded();
    }

    private Sysctl() {
    }

    /**
     * `sysctl -w KEY=VALUE` in ns, e.g. {@code write(ns, "net/ipv4/ip_forward", "1")}.
     *
     * @param ns    the namespace whose sysctl is written
     * @param key   the path below /proc/sys, e.g. {@code net/ipv6/conf/eth0/accept_ra}
     * @param value the text written, as it is
     * @throws org.libnetwork4j.NotFoundException if ns has no such key
     * @throws org.libnetwork4j.InvalidParameterException if key is malformed (empty, starting
     *         with '/', containing ".." or a character other than letters, digits and
     *         {@code _-./@}), or the kernel refuses value
     */
    public static void write(Netns ns, String key, String value) {
        ns.withFd("write sysctl", fd -> {
            LnwErr err = new LnwErr();
            if (LnwNative.lnw_sysctl_write(fd, key, value, err) < 0) {
                throw Errors.of(err, key);
            }
            return null;
        });
    }

    /**
     * Writes several in one visit to ns (one native thread instead of one per key), in order;
     * stops at the first failure.
     *
     * @param ns      the namespace whose sysctls are written
     * @param sysctls keys (as for {@link #write}) to values of at most 63 bytes, written in the
     *                map's iteration order; empty: nothing is done
     * @throws org.libnetwork4j.NotFoundException if ns has no such key; the keys before it stay
     *         written
     * @throws org.libnetwork4j.InvalidParameterException if a key is malformed, a value too
     *         long, or the kernel refuses a value; the keys before it stay written
     */
    public static void writeAll(Netns ns, java.util.Map<String, String> sysctls) {
        if (sysctls.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        sysctls.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        ns.withFd("write sysctl", fd -> {
            LnwErr err = new LnwErr();
            if (LnwNative.lnw_sysctl_write_all(fd, sb.toString(), err) < 0) {
                throw Errors.of(err, String.join(",", sysctls.keySet()));
            }
            return null;
        });
    }

    /**
     * `sysctl -n KEY` in ns, without the trailing newline.
     *
     * @param ns  the namespace whose sysctl is read
     * @param key the path below /proc/sys, as for {@link #write}
     * @return the value as UTF-8 text; only its first 4095 bytes are read
     * @throws org.libnetwork4j.NotFoundException if ns has no such key
     */
    public static String read(Netns ns, String key) {
        return ns.withFd("read sysctl", fd -> {
            LnwErr err = new LnwErr();
            byte[] buf = new byte[4096];
            int n = LnwNative.lnw_sysctl_read(fd, key, buf, buf.length, err);
            if (n < 0) {
                throw Errors.of(err, key);
            }
            return new String(buf, 0, n, java.nio.charset.StandardCharsets.UTF_8);
        });
    }

    /**
     * net.ipv4.ip_forward: routing between interfaces, which a bridge with NAT needs.
     *
     * @param ns the namespace whose setting is written
     * @param on whether ns forwards IPv4 packets between its interfaces
     */
    public static void setIpForward(Netns ns, boolean on) {
        write(ns, "net/ipv4/ip_forward", on ? "1" : "0");
    }

    /**
     * net.ipv6.conf.IF.accept_ra: whether IF takes router advertisements. Host-side links of
     * containers must not (CVE-2020-13401: a container could then route the host).
     *
     * @param ns     the namespace the interface is in
     * @param ifname the interface's name in ns
     * @param value  0: ignore router advertisements; 1: take them unless ns forwards IPv6;
     *               2: take them even then
     * @throws org.libnetwork4j.NotFoundException if ns has no interface ifname
     */
    public static void setAcceptRa(Netns ns, String ifname, int value) {
        write(ns, "net/ipv6/conf/" + ifname + "/accept_ra", Integer.toString(value));
    }

    /**
     * net.ipv4.conf.IF.route_localnet: whether 127/8 may be routed to and from IF.
     *
     * @param ns     the namespace the interface is in
     * @param ifname the interface's name in ns
     * @param on     whether IF routes 127/8
     * @throws org.libnetwork4j.NotFoundException if ns has no interface ifname
     */
    public static void setRouteLocalnet(Netns ns, String ifname, boolean on) {
        write(ns, "net/ipv4/conf/" + ifname + "/route_localnet", on ? "1" : "0");
    }
}
