package org.libnetwork4j.kernel;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.libnetwork4j.internal.jni.LnwErr;
import org.libnetwork4j.internal.jni.LnwNative;

/**
 * Connectivity seen from inside a namespace: an ICMP echo, and one TCP exchange. For
 * diagnostics and demonstrations that must show real traffic without ping or socat installed.
 * Nothing here changes the namespace.
 */
public final class Probe {
    static {
        NativeLoader.ensureLoaded();
    }

    private static final int MAX_FETCH = 64 * 1024;

    private Probe() {
    }

    /**
     * One ICMP echo from inside ns to ip; returns the round trip.
     *
     * @param ns      the namespace the echo is sent from
     * @param ip      the destination, IPv4 or IPv6
     * @param seq     the ICMP sequence number (its low 16 bits), by which the reply is matched
     * @param timeout how long to wait for the reply, at least 1 ms
     * @return the round trip, measured in microseconds
     * @throws org.libnetwork4j.RetryableException if no reply came within timeout
     * @throws org.libnetwork4j.InvalidParameterException if timeout is under 1 ms
     * @throws org.libnetwork4j.PermissionDeniedException without CAP_NET_RAW (the echo goes out
     *         on a raw socket)
     */
    public static Duration ping(Netns ns, InetAddress ip, int seq, Duration timeout) {
        byte[] a = ip.getAddress();
        return ns.withFd("ping", fd -> {
            LnwErr err = new LnwErr();
            long us = LnwNative.lnw_probe_ping(fd, a, a.length, seq, (int) timeout.toMillis(), err);
            if (us < 0) {
                throw Errors.of(err, ip.getHostAddress());
            }
            return Duration.ofNanos(us * 1000);
        });
    }

    /**
     * A TCP socket listening on port inside ns, that answers connections with a text.
     *
     * @param ns   the namespace the socket is made in
     * @param port the TCP port, 1 to 65535, on every address of ns (IPv6 and IPv4 on one
     *             socket where ns has IPv6)
     * @return the listener, which the caller closes
     * @throws org.libnetwork4j.AlreadyExistsException if port is taken (EADDRINUSE)
     * @throws org.libnetwork4j.InvalidParameterException if port is not in 1..65535
     */
    public static Listener listen(Netns ns, int port) {
        return ns.withFd("listen", fd -> {
            LnwErr err = new LnwErr();
            int s = LnwNative.lnw_probe_listen(fd, port, err);
            if (s < 0) {
                throw Errors.of(err, Integer.toString(port));
            }
            return new Listener(s, port);
        });
    }

    /**
     * Connects from inside ns to ip:port and returns all the peer sends before it closes.
     *
     * @param ns      the namespace the connection is made from
     * @param ip      the peer's address, IPv4 or IPv6
     * @param port    the peer's TCP port, 1 to 65535
     * @param timeout the time allowed for connecting and reading until the peer closes, at
     *                least 1 ms
     * @return what the peer sent, decoded as UTF-8; at most its first 65535 bytes
     * @throws org.libnetwork4j.RetryableException if the exchange takes longer than timeout
     *         (ETIMEDOUT)
     * @throws org.libnetwork4j.NotFoundException if the peer refuses the connection
     *         (ECONNREFUSED)
     */
    public static String fetch(Netns ns, InetAddress ip, int port, Duration timeout) {
        byte[] a = ip.getAddress();
        return ns.withFd("fetch", fd -> {
            LnwErr err = new LnwErr();
            byte[] out = new byte[MAX_FETCH];
            int n = LnwNative.lnw_probe_fetch(fd, a, a.length, port, out, out.length, (int) timeout.toMillis(), err);
            if (n < 0) {
                throw Errors.of(err, ip.getHostAddress() + " port " + port);
            }
            return new String(out, 0, n, StandardCharsets.UTF_8);
        });
    }

    /** A listening socket of {@link #listen}; serve from any thread. */
    public static final class Listener implements AutoCloseable {
        private final NativeHandle fd;

        private Listener(int fd, int port) {
            this.fd = new NativeHandle("listener on port " + port, fd);
        }

        /**
         * Accepts one connection (waiting up to timeout) and answers it with reply.
         *
         * @param reply   the text sent, after which the connection is closed
         * @param timeout the time allowed for a connection to come and the reply to be sent
         * @throws org.libnetwork4j.RetryableException if no connection came, or the reply could
         *         not be sent, within timeout (ETIMEDOUT)
         * @throws org.libnetwork4j.InvalidParameterException if the listener is closed
         */
        public void serveOnce(String reply, Duration timeout) {
            // shared: other users of the socket need not wait out a blocking accept (close()
            // still does, for at most the timeout)
            fd.shared("serve", v -> {
                LnwErr err = new LnwErr();
                if (LnwNative.lnw_probe_serve((int) v, reply, (int) timeout.toMillis(), err) < 0) {
                    throw Errors.of(err, fd.what());
                }
                return null;
            });
        }

        @Override
        public void close() {
            fd.close(v -> LnwNative.lnw_fd_close((int) v, new LnwErr()));
        }
    }
}
