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
     * @throws org.libnetwork4j.RetryableException if no reply came within timeout
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

    /** A TCP socket listening on port inside ns, that answers connections with a text. */
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

    /** Connects from inside ns to ip:port and returns all the peer sends before it closes. */
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

        /** Accepts one connection (waiting up to timeout) and answers it with reply. */
        public void serveOnce(String reply, Duration timeout) {
            // shared: a blocking accept must not keep close out for its whole wait
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
