package org.libnetwork4j.kernel;

import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.libnetwork4j.Protocol;
import org.libnetwork4j.internal.jni.LnwErr;
import org.libnetwork4j.internal.jni.LnwNative;

/**
 * Port reservations in one namespace, fast: a socket must be made inside the namespace (a
 * private thread that enters it: 100-150 us), but may be bound from any thread. So one unbound
 * socket of each kind used (family and protocol) is kept ready; a reservation binds it on the
 * caller's thread, and the next one is made in the background meanwhile. When none is ready
 * (the first of a kind, or right after another) it is {@link PortReservation#reserve} as before.
 *
 * <p>What is kept is one socket per kind in use and one thread, the same from the second
 * reservation on: resource counts stay flat. Thread-safe.
 */
public final class PortSockets implements AutoCloseable {
    private record Kind(int family, int proto) {
    }

    private final Netns ns;
    private final Map<Kind, NativeHandle> ready = new HashMap<>(); // guarded by this
    private ExecutorService maker;                                 // guarded by this; lazily
    private boolean closed;                                        // guarded by this

    /**
     * Reservations in ns. Nothing is made yet: the background thread starts with the first
     * reservation, and a socket of a kind is kept ready from the first reservation of that kind
     * on.
     *
     * @param ns the namespace, normally the host's; it must stay open while reservations are
     *           made, but the reservations do not need it
     */
    public PortSockets(Netns ns) {
        this.ns = ns;
    }

    /**
     * As {@link PortReservation#reserve}, with a socket made ahead of time when there is one.
     *
     * @param proto TCP, UDP or SCTP
     * @param ip    an address of the namespace, or null for the wildcard
     * @param ipv6  with ip null, whether the wildcard is IPv6's rather than IPv4's
     * @param port  0-65535, 0 for a free one from the namespace's ephemeral range
     * @return the reservation, the caller's to close (closing this object does not release it)
     * @throws org.libnetwork4j.NetworkException as {@link PortReservation#reserve} throws it
     */
    public PortReservation reserve(Protocol proto, InetAddress ip, boolean ipv6, int port) {
        Kind kind = new Kind(PortReservation.family(ip, ipv6), PortReservation.ipproto(proto));
        NativeHandle fd;
        synchronized (this) {
            fd = ready.remove(kind);
        }
        makeNext(kind);
        if (fd == null) {
            return PortReservation.reserve(ns, proto, ip, ipv6, port);
        }
        byte[] addr = ip == null ? null : ip.getAddress();
        LnwErr err = new LnwErr();
        int[] bound = new int[1];
        int rc = fd.exclusive("reserve port", v -> LnwNative.lnw_port_bind((int) v, kind.family(), addr,
                addr == null ? 0 : addr.length, port, bound, err));
        if (rc < 0) {
            close(fd);
            throw PortReservation.failure(err, ip, port);
        }
        return new PortReservation(fd, bound[0]);
    }

    private synchronized void makeNext(Kind kind) {
        if (closed || ready.containsKey(kind)) {
            return;
        }
        if (maker == null) {
            maker = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "lnw-port-sockets");
                t.setDaemon(true);
                return t;
            });
        }
        try {
            maker.execute(() -> make(kind));
        } catch (RejectedExecutionException closing) {
            // closed meanwhile: nothing to keep ready
        }
    }

    private void make(Kind kind) {
        LnwErr err = new LnwErr();
        int fd;
        try {
            fd = ns.withFd("reserve port", nsfd -> LnwNative.lnw_port_socket(nsfd, kind.family(), kind.proto(), err));
        } catch (RuntimeException nsClosed) {
            return;
        }
        if (fd < 0) {
            return; // the next reservation makes its socket itself, and reports what fails
        }
        NativeHandle h = new NativeHandle("port socket", fd);
        synchronized (this) {
            if (!closed && !ready.containsKey(kind)) {
                ready.put(kind, h);
                return;
            }
        }
        close(h);
    }

    private static void close(NativeHandle h) {
        h.close(v -> LnwNative.lnw_fd_close((int) v, new LnwErr()));
    }

    /** Closes the sockets kept ready; reservations made stay theirs. */
    @Override
    public void close() {
        ExecutorService m;
        synchronized (this) {
            closed = true;
            m = maker;
        }
        if (m != null) {
            m.shutdown();
            try {
                m.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            ready.values().forEach(PortSockets::close);
            ready.clear();
        }
    }
}
