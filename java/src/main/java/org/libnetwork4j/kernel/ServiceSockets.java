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

    /** A UDP socket bound to address:port in ns. */
    public static int udp(Netns ns, InetAddress address, int port) {
        return open(ns, family(address), LnwNative.SOCK_DGRAM, address, port, 0);
    }

    /** A TCP socket listening on address:port in ns. */
    public static int tcpListener(Netns ns, InetAddress address, int port, int backlog) {
        return open(ns, family(address), LnwNative.SOCK_STREAM, address, port, backlog);
    }

    /** An unbound UDP socket of ns: its first send takes an ephemeral port there. */
    public static int udpUnbound(Netns ns, boolean ipv6) {
        return open(ns, ipv6 ? LnwNative.AF_INET6 : LnwNative.AF_INET, LnwNative.SOCK_DGRAM, null, 0, 0);
    }

    /**
     * A TCP connection from ns to peer, made within timeoutMillis. Blocks the calling thread
     * for up to that long.
     */
    public static int tcpConnect(Netns ns, InetSocketAddress peer, int timeoutMillis) {
        InetAddress ip = peer.getAddress();
        int fd = open(ns, family(ip), LnwNative.SOCK_STREAM, null, 0, 0);
        byte[] a = ip.getAddress();
        LnwErr err = new LnwErr();
        if (LnwNative.lnw_sock_connect(fd, family(ip), a, a.length, peer.getPort(), timeoutMillis, err) < 0) {
            close(fd);
            throw Errors.of(err, peer.toString());
        }
        return fd;
    }

    /** Closes an fd that was not handed over. */
    public static void close(int fd) {
        LnwNative.lnw_fd_close(fd, new LnwErr());
    }

    /** Made in ns; bound to address:port unless address is null (then unbound). */
    private static int open(Netns ns, int family, int type, InetAddress address, int port, int backlog) {
        byte[] a = address == null ? null : address.getAddress();
        LnwErr err = new LnwErr();
        int fd = ns.withFd("open socket", nsfd -> LnwNative.lnw_sock_open(nsfd, family, type, a,
                a == null ? 0 : a.length, port, backlog, err));
        if (fd < 0) {
            throw Errors.of(err, address == null ? ns.toString() : address.getHostAddress() + " port " + port);
        }
        return fd;
    }

    private static int family(InetAddress ip) {
        return ip instanceof Inet4Address ? LnwNative.AF_INET : LnwNative.AF_INET6;
    }
}
