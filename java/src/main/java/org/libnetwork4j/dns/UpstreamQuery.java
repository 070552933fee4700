package org.libnetwork4j.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import io.netty.util.concurrent.Future;
import org.libnetwork4j.kernel.ServiceSockets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One forwarded query over UDP: a fresh socket, connected to the upstream, watched by the event
 * loop as a bare epoll handle until an answer comes, the socket fails, or its attempt is given
 * up ({@link #cancel}: the caller's deadline, which also covers the socket's making).
 *
 * <p><b>Why not a Netty channel.</b> A forward used to adopt its socket into an
 * {@code EpollDatagramChannel}: thirteen system calls per forward (the channel asks the socket
 * for its addresses and options, registers it and changes its interest twice, removes it again,
 * and reads once more after it closed), a pipeline, promises, and an exception with a full stack
 * trace when the read loop found the channel closed under it. On a virtual machine where a
 * system call costs 1.5 us and a page fault far more, that was most of a forward's own time.
 * Here a forward costs connect, one epoll_ctl (Netty adds the fd to epoll when input is first
 * asked for), write, read and close.
 *
 * <p><b>Why connected.</b> The kernel then delivers datagrams from the upstream's address and
 * port only: an answer forged from anywhere else never reaches the socket, and an ICMP port
 * unreachable from the upstream ends the attempt at once (ECONNREFUSED) rather than at its
 * timeout. Docker's resolver dials its upstreams the same way.
 *
 * <p>Runs on the event loop's thread only, which owns the scratch buffer passed in.
 */
final class UpstreamQuery implements EpollIoHandle {
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamQuery.class);

    /** What the attempt hears: an answer (true if it ends the wait) or that the socket failed. */
    interface Listener {
        /** A datagram from the upstream; returns true if it was the answer (the socket then closes). */
        boolean answer(byte[] wire);

        /**
         * The socket failed: the upstream refused (an ICMP port unreachable). A query that could
         * not be sent throws from {@link #send} instead, and a wait cancelled hears nothing.
         */
        void failed();
    }

    private final FileDescriptor fd;
    private final ByteBuffer scratch;
    private final Listener listener;
    private IoRegistration registration;
    private boolean done;

    private UpstreamQuery(int fd, ByteBuffer scratch, Listener listener) {
        this.fd = new FileDescriptor(fd);
        this.scratch = scratch;
        this.listener = listener;
    }

    /**
     * Sends query to upstream from fd (a fresh UDP socket, now owned here) and waits for the
     * answer on loop until it comes, the socket fails, or {@link #cancel}; the listener hears
     * how it ends, later, never from within this call.
     *
     * @param scratch a direct buffer of the loop's, large enough for any datagram (64 KiB)
     * @return the query under way, to cancel when its attempt is over
     * @throws RuntimeException if the query could not be sent (no route from the socket's
     *         namespace, say); the socket is closed then and the listener hears nothing
     */
    static UpstreamQuery send(IoEventLoop loop, int fd, InetSocketAddress upstream, byte[] query,
            ByteBuffer scratch, Listener listener) {
        if (!loop.inEventLoop()) { // elsewhere the registration would complete later, on a closed fd maybe
            ServiceSockets.close(fd);
            throw new IllegalStateException("an upstream query is sent from the event loop only");
        }
        UpstreamQuery q = new UpstreamQuery(fd, scratch, listener);
        try {
            ServiceSockets.connectUdp(fd, upstream);
            Future<IoRegistration> r = loop.register(q); // on the loop: registered by the time it returns
            if (!r.isSuccess()) {
                throw new IllegalStateException("register upstream socket: " + r.cause());
            }
            q.registration = r.getNow();
            q.registration.submit(EpollIoOps.EPOLLIN);
            scratch.put(0, query);
            if (q.fd.write(scratch, 0, query.length) != query.length) {
                throw new IllegalStateException("query to " + upstream + " not sent whole");
            }
        } catch (IOException e) {
            q.finish();
            throw new UncheckedIOException("query to " + upstream, e);
        } catch (RuntimeException e) {
            q.finish();
            throw e;
        }
        return q;
    }

    /**
     * Stops waiting, without a word to the listener: its attempt is over (timed out, or
     * answered). The socket closes. Nothing happens if the wait has already ended.
     */
    void cancel() {
        if (!done) {
            finish();
        }
    }

    @Override
    public FileDescriptor fd() {
        return fd;
    }

    @Override
    public void handle(IoRegistration reg, IoEvent event) {
        if (done) {
            return;
        }
        int n;
        try {
            n = fd.read(scratch, 0, scratch.capacity());
        } catch (IOException refused) { // an ICMP error queued on the socket (port unreachable)
            finish();
            tell(null);
            return;
        }
        if (n <= 0) {
            return; // 0: nothing after all; -1: an empty datagram. Level-triggered: asked again if more
        }
        byte[] wire = new byte[n];
        scratch.get(0, wire);
        if (tell(wire) && !done) { // the listener may have cancelled meanwhile
            finish();
        }
    }

    /**
     * Tells the listener of an answer (or, with null, of a failure); true if the wait is over.
     * Nothing it throws reaches Netty's loop, which would sleep a second over it and skip the
     * other events of its batch: the query then ends here.
     */
    private boolean tell(byte[] wire) {
        try {
            if (wire == null) {
                listener.failed();
                return true;
            }
            return listener.answer(wire);
        } catch (RuntimeException e) {
            LOG.warn("dns forward: {}", e.toString());
            return true;
        }
    }

    /** Closes the socket (which takes it out of epoll) and forgets the registration. */
    private void finish() {
        done = true;
        closeFd();
        if (registration != null) {
            registration.cancel(); // the fd is closed: no epoll_ctl, only Netty's own map entry
        }
    }

    /** Called by Netty when the loop shuts down with this query still waiting. */
    @Override
    public void close() {
        done = true;
        closeFd();
    }

    private void closeFd() {
        try {
            fd.close(); // a second call does nothing
        } catch (IOException ignored) {
            // Linux closes the descriptor even when close reports an error
        }
    }
}
