package org.libnetwork4j.kernel;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.libnetwork4j.internal.jni.LnwErr;
import org.libnetwork4j.internal.jni.LnwNative;

/**
 * Sockets for the services a controller runs itself (the embedded DNS resolver), made inside a
 * namespace and served from Java. Each is non-blocking and close-on-exec, and returned as a
 * bare fd: the caller hands it to whatever serves it (a Netty channel adopts it and closes it
 * with the channel), and must close it itself if that hand-over fails. The namespace only
 * matters at creation: a socket belongs to the namespace it was made in, whichever thread
 * uses it afterwards, so nothing here makes a JVM thread enter a namespace.
 */
public final class ServiceSockets {
    private ServiceSockets() {
    }

    /**
     * A service's UDP socket and TCP listener on address:port in ns, both with SO_REUSEADDR (on
     * port 53 also SO_REUSEPORT, shared with the host-port reservation of a container that
     * publishes DNS), made in one entry into ns: entering is what making a socket costs (a
     * thread's creation and a setns, a hundred microseconds or more, where ns is not the
     * caller's own namespace).
     *
     * @param ns      the namespace the sockets are made in
     * @param address the local address, IPv4 or IPv6 (IPv6 sockets are IPv6-only); it may be
     *                one not assigned yet (FREEBIND), e.g. a gateway still in duplicate
     *                address detection
     * @param port    the local port, 1 to 65535
     * @param backlog the TCP listener's queue of connections not yet accepted (0 or less: bound,
     *                not listening)
     * @return the UDP socket's fd and the TCP listener's, which the caller owns; on failure
     *         neither is left open
     * @throws org.libnetwork4j.AlreadyExistsException if address:port is taken (EADDRINUSE)
     * @throws org.libnetwork4j.InvalidParameterException if port is not in 1..65535
     */
    public static int[] udpAndTcp(Netns ns, InetAddress address, int port, int backlog) {
        byte[] a = address.getAddress();
        int[] fds = new int[2];
        LnwErr err = new LnwErr();
        int rc = ns.withFd("open sockets", nsfd -> LnwNative.lnw_sock_open_service(nsfd, family(address), a,
                a.length, port, backlog, fds, err));
        if (rc < 0) {
            throw Errors.of(err, address.getHostAddress() + " port " + port);
        }
        return fds;
    }

    /**
     * An unbound UDP socket of ns: its first send (or its connect) takes an ephemeral port there.
     *
     * @param ns   the namespace the socket is made in
     * @param ipv6 true for an IPv6 socket, false for IPv4
     * @return the socket's fd, which the caller owns
     */
    public static int udpUnbound(Netns ns, boolean ipv6) {
        return unbound(ns, ipv6 ? LnwNative.AF_INET6 : LnwNative.AF_INET, LnwNative.SOCK_DGRAM);
    }

    /**
     * n unbound UDP sockets of ns, made in one entry into it: the entry (a thread's creation and
     * a setns, a hundred microseconds or more) is what making one costs, a socket itself a few
     * microseconds. Each takes an ephemeral port of ns at its first send or its connect.
     *
     * @param ns   the namespace the sockets are made in
     * @param ipv6 true for IPv6 sockets, false for IPv4
     * @param n    how many, 1 to {@link #MAX_BATCH}
     * @return their fds, which the caller owns; on failure none is left open
     * @throws org.libnetwork4j.InvalidParameterException if n is out of range
     */
    public static int[] udpUnbound(Netns ns, boolean ipv6, int n) {
        int[] fds = new int[n];
        LnwErr err = new LnwErr();
        int rc = ns.withFd("open sockets", nsfd -> LnwNative.lnw_sock_open_many(nsfd,
                ipv6 ? LnwNative.AF_INET6 : LnwNative.AF_INET, LnwNative.SOCK_DGRAM, n, fds, err));
        if (rc < 0) {
            throw Errors.of(err, ns.toString());
        }
        return fds;
    }

    /** The most sockets {@link #udpUnbound(Netns, boolean, int)} makes at once (lnw.h's LNW_SOCK_MANY_MAX). */
    public static final int MAX_BATCH = 64;

    /**
     * A TCP connection from ns to peer, made within timeoutMillis. Blocks the calling thread
     * for up to that long.
     *
     * @param ns            the namespace the connection is made from
     * @param peer          the address and port to connect to
     * @param timeoutMillis how long to wait for the connection, in milliseconds
     * @return the fd of the connected, non-blocking socket, which the caller owns; on failure
     *         the socket is closed
     * @throws org.libnetwork4j.RetryableException if there is no answer in time (ETIMEDOUT)
     * @throws org.libnetwork4j.NotFoundException if the peer refuses the connection
     *         (ECONNREFUSED)
     */
    public static int tcpConnect(Netns ns, InetSocketAddress peer, int timeoutMillis) {
        InetAddress ip = peer.getAddress();
        int fd = unbound(ns, family(ip), LnwNative.SOCK_STREAM);
        byte[] a = ip.getAddress();
        LnwErr err = new LnwErr();
        if (LnwNative.lnw_sock_connect(fd, family(ip), a, a.length, peer.getPort(), timeoutMillis, err) < 0) {
            close(fd);
            throw Errors.of(err, peer.toString());
        }
        return fd;
    }

    /**
     * Connects fd, a UDP socket of this class, to peer: its sends go there, and the kernel
     * hands it datagrams from there only (an answer forged from another address or port
     * never reaches it). Does not block.
     *
     * @param fd   an unbound or bound UDP socket
     * @param peer the address and port it talks to
     * @throws RuntimeException typed as for {@link #tcpConnect} (no route from the socket's
     *         namespace to peer, say)
     */
    public static void connectUdp(int fd, InetSocketAddress peer) {
        InetAddress ip = peer.getAddress();
        byte[] a = ip.getAddress();
        LnwErr err = new LnwErr();
        if (LnwNative.lnw_sock_connect(fd, family(ip), a, a.length, peer.getPort(), 0, err) < 0) {
            throw Errors.of(err, peer.toString());
        }
    }

    /**
     * Closes an fd that was not handed over. A failure of close is ignored.
     *
     * @param fd a socket returned by this class, closed by nothing else
     */
    public static void close(int fd) {
        LnwNative.lnw_fd_close(fd, new LnwErr());
    }

    /** Made in ns, unbound (a send or a connect binds it to an ephemeral port there). */
    private static int unbound(Netns ns, int family, int type) {
        LnwErr err = new LnwErr();
        int fd = ns.withFd("open socket", nsfd -> LnwNative.lnw_sock_open(nsfd, family, type, null, 0, 0, 0, err));
        if (fd < 0) {
            throw Errors.of(err, ns.toString());
        }
        return fd;
    }

    private static int family(InetAddress ip) {
        return ip instanceof Inet4Address ? LnwNative.AF_INET : LnwNative.AF_INET6;
    }
}
