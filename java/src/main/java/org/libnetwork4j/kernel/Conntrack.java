package org.libnetwork4j.kernel;

import java.net.InetAddress;

import org.libnetwork4j.internal.jni.LnwErr;
import org.libnetwork4j.internal.jni.LnwNative;

/**
 * Connection tracking of one namespace, through a netfilter socket made there once and kept:
 * closing such a socket right after an nftables transaction that deleted something waits for
 * the kernel to free it (an RCU grace period, 3-10 ms here), so a socket per call would put
 * that wait on every port removal. Thread-safe (calls are serialized); close once.
 */
public final class Conntrack implements AutoCloseable {
    static {
        NativeLoader.ensureLoaded();
    }

    private final NativeHandle handle;

    private Conntrack(long ptr, Netns ns) {
        this.handle = new NativeHandle("conntrack handle of " + ns.id(), ptr);
    }

    /**
     * Makes the netfilter socket inside ns. The handle does not need ns to stay open.
     *
     * @param ns the namespace whose connection table the handle works on
     * @return the handle; close it
     * @throws org.libnetwork4j.InvalidParameterException if ns is closed
     * @throws org.libnetwork4j.NetworkException (typed by errno) if the socket cannot be made
     */
    public static Conntrack open(Netns ns) {
        return ns.withFd("open conntrack", fd -> {
            LnwErr err = new LnwErr();
            long ptr = LnwNative.lnw_ct_open(fd, err);
            if (ptr == 0) {
                throw Errors.of(err, ns.toString());
            }
            return new Conntrack(ptr, ns);
        });
    }

    /**
     * Deletes every entry whose original destination or reply source is {@code ip} (`conntrack
     * -D -d IP; conntrack -D -r IP`); returns how many. What a removed endpoint's published
     * ports leave behind would otherwise keep steering flows to an address that is gone. With
     * nothing tracked in the namespace it costs one message; otherwise the kernel walks its
     * whole connection table (shared by all namespaces), a few milliseconds.
     *
     * @param ip the address, IPv4 or IPv6
     * @return the number of entries deleted; one that expired meanwhile is not counted
     * @throws org.libnetwork4j.InvalidParameterException if this handle is closed
     */
    public int flush(InetAddress ip) {
        byte[] a = ip.getAddress();
        return handle.exclusive("flush conntrack", p -> {
            LnwErr err = new LnwErr();
            int n = LnwNative.lnw_ct_flush_addr(p, a, a.length, err);
            if (n < 0) {
                throw Errors.of(err, ip.getHostAddress());
            }
            return n;
        });
    }

    /**
     * Deletes every entry sent to {@code port} over {@code proto}, whatever its NAT (`conntrack
     * -D -p udp --dport PORT`); returns how many. A flow that reached a host port while
     * nothing was published there (a UDP client that kept sending while its container was made
     * again) is tracked without a DNAT, and NAT is decided on a flow's first packet only: the
     * entry would steer that flow past the port published since, for as long as it keeps
     * sending.
     *
     * @param proto the transport protocol
     * @param port  the port, 1-65535
     * @return the number of entries deleted
     * @throws org.libnetwork4j.InvalidParameterException if this handle is closed or the port
     *                                                   is out of range
     */
    public int flushPort(org.libnetwork4j.Protocol proto, int port) {
        return handle.exclusive("flush conntrack", p -> {
            LnwErr err = new LnwErr();
            int n = LnwNative.lnw_ct_flush_port(p, PortReservation.ipproto(proto), port, err);
            if (n < 0) {
                throw Errors.of(err, "port " + port + "/" + proto.label());
            }
            return n;
        });
    }

    @Override
    public void close() {
        handle.close(p -> LnwNative.lnw_ct_close(p));
    }
}
