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
     *
     * @param ns    the namespace whose port it is, normally the host's
     * @param proto TCP, UDP or SCTP
     * @param ip    an address of ns, or null for the wildcard
     * @param ipv6  with ip null, whether the wildcard is IPv6's ({@code ::}, IPv6 only) rather
     *              than IPv4's; ignored otherwise
     * @param port  0-65535; 53 is bound with SO_REUSEPORT, shared with the embedded DNS
     *              resolver's sockets
     * @return the reservation; close it to release the port
     * @throws org.libnetwork4j.AlreadyExistsException if the port is taken (EADDRINUSE)
     * @throws org.libnetwork4j.InvalidParameterException if ip is not an address of ns, the port
     *         is out of range, or ns is closed
     * @throws org.libnetwork4j.PermissionDeniedException for a privileged port without the right
     *         to bind it (EACCES)
     * @throws org.libnetwork4j.NotSupportedException for SCTP on a kernel without it
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

    /**
     * The port bound: the one asked for, or the one the kernel chose for 0.
     *
     * @return the port, 1-65535
     */
    public int port() {
        return port;
    }

    @Override
    public void close() {
        fd.close(v -> LnwNative.lnw_fd_close((int) v, new LnwErr()));
    }
}
