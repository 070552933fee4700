package org.libnetwork4j.kernel;

import java.net.Inet4Address;
import java.net.InetAddress;

import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.Protocol;
import org.libnetwork4j.internal.jni.LnwErr;
import org.libnetwork4j.internal.jni.LnwNative;

/**
 * A host port kept for a published port: a socket bound (not listening) in the host namespace.
 * While it is open nobody else can bind the port, and reserving a port that a program listens
 * on already fails with {@link org.libnetwork4j.AlreadyExistsException} (EADDRINUSE).
 * Closing releases the port; closing twice is harmless.
 */
public final class PortReservation implements AutoCloseable {
    static {
        NativeLoader.ensureLoaded();
    }

    private final NativeHandle fd;
    private final int port;

    private PortReservation(int fd, int port) {
        this(new NativeHandle("port reservation " + port, fd), port);
    }

    /** Takes over fd, a socket bound to port. */
    PortReservation(NativeHandle fd, int port) {
        this.fd = fd;
        this.port = port;
    }

    /**
     * Binds {@code port} (0: a free one from the namespace's ephemeral range) on {@code ip}
     * (null: the wildcard of {@code ipv6}'s family) in ns.
     */
    public static PortReservation reserve(Netns ns, Protocol proto, InetAddress ip, boolean ipv6, int port) {
        byte[] addr = ip == null ? null : ip.getAddress();
        int family = family(ip, ipv6);
        return ns.withFd("reserve port", nsfd -> {
            LnwErr err = new LnwErr();
            int[] bound = new int[1];
            int fd = LnwNative.lnw_port_reserve(nsfd, family, ipproto(proto), addr,
                    addr == null ? 0 : addr.length, port, bound, err);
            if (fd < 0) {
                throw failure(err, ip, port);
            }
            return new PortReservation(fd, bound[0]);
        });
    }

    /** The family of a reservation on ip (null: the wildcard of ipv6's family). */
    static int family(InetAddress ip, boolean ipv6) {
        return ip != null ? (ip instanceof Inet4Address ? LnwNative.AF_INET : LnwNative.AF_INET6)
                : (ipv6 ? LnwNative.AF_INET6 : LnwNative.AF_INET);
    }

    /** A reservation the kernel refused, as the error a caller of reserve gets. */
    static RuntimeException failure(LnwErr err, InetAddress ip, int port) {
        if (err.code == LnwNative.EADDRNOTAVAIL && ip != null) {
            return new InvalidParameterException("host IP " + ip.getHostAddress()
                    + " is not an address of this host", err.code, "reserve port", ip.getHostAddress(), null);
        }
        return Errors.of(err, Integer.toString(port));
    }

    static int ipproto(Protocol p) {
        return switch (p) {
            case TCP -> LnwNative.IPPROTO_TCP;
            case UDP -> LnwNative.IPPROTO_UDP;
            case SCTP -> LnwNative.IPPROTO_SCTP;
        };
    }

    /** The port bound: the one asked for, or the one the kernel chose for 0. */
    public int port() {
        return port;
    }

    @Override
    public void close() {
        fd.close(v -> LnwNative.lnw_fd_close((int) v, new LnwErr()));
    }
}
