package org.libnetwork4j.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.Future;

/**
 * Real traffic between lab sandboxes, with Java sockets opened inside them: the oracle of the
 * lab's tests. Every wait is bounded.
 */
final class Wire {
    /**
     * Where accept and receive loops run: a socket belongs to the namespace it was opened in,
     * whichever thread later uses it, so only the opening needs the sandbox's thread (which
     * must stay free for other calls). Its threads are started by test threads, outside.
     */
    private static final java.util.concurrent.ExecutorService LOOPS = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "wire-loop");
        t.setDaemon(true);
        return t;
    });

    private Wire() {
    }

    /** A TCP server in s on port: answers each connection with "hi" and closes it (runs until its socket closes). */
    static ServerSocket greeter(LabSandbox s, int port) throws Exception {
        ServerSocket server = s.call(() -> new ServerSocket(port));
        LOOPS.submit(() -> {
            while (!server.isClosed()) {
                try (Socket c = server.accept()) {
                    c.getOutputStream().write("hi".getBytes());
                } catch (IOException closed) {
                    return null;
                }
            }
            return null;
        });
        return server;
    }

    /** Whether a TCP connection from `from` to `to`:port gets the greeting within timeoutMs. */
    static boolean greeted(LabSandbox from, LabSandbox to, int port, int timeoutMs) throws Exception {
        return greeted(from, to.address(), port, timeoutMs);
    }

    /** Whether a TCP connection from `from` to address:port gets the greeting within timeoutMs. */
    static boolean greeted(LabSandbox from, java.net.InetAddress address, int port, int timeoutMs) throws Exception {
        return from.call(() -> {
            try (Socket c = new Socket()) {
                c.connect(new InetSocketAddress(address, port), timeoutMs);
                c.setSoTimeout(timeoutMs);
                return new String(c.getInputStream().readNBytes(2)).equals("hi");
            } catch (SocketTimeoutException | java.net.ConnectException | java.net.NoRouteToHostException e) {
                return false;
            }
        });
    }

    /**
     * Whether a greeting gets through within seconds, trying again after each failure (bounded).
     * For after a heal that cut ARP: the neighbour entry the fault left FAILED answers the first
     * attempts with EHOSTUNREACH until it is resolved again, as on a real LAN.
     */
    static boolean greetedWithin(LabSandbox from, LabSandbox to, int port, int seconds) throws Exception {
        return greetedWithin(from, to.address(), port, seconds);
    }

    static boolean greetedWithin(LabSandbox from, java.net.InetAddress to, int port, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            if (greeted(from, to, port, 1000)) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }

    /**
     * Sends count UDP datagrams from `from` to `to`:port and returns how many arrived (the
     * receiver waits up to 1 s after the last).
     */
    static int udpDelivered(LabSandbox from, LabSandbox to, int port, int count) throws Exception {
        DatagramSocket rx = to.call(() -> new DatagramSocket(port));
        try {
            rx.setSoTimeout(1000);
            rx.setReceiveBufferSize(1 << 20);
            Future<Integer> received = LOOPS.submit(() -> {
                int n = 0;
                byte[] buf = new byte[64];
                while (n < count) {
                    try {
                        rx.receive(new DatagramPacket(buf, buf.length));
                        n++;
                    } catch (SocketTimeoutException quiet) {
                        break;
                    }
                }
                return n;
            });
            from.call(() -> {
                try (DatagramSocket tx = new DatagramSocket()) {
                    byte[] b = new byte[32];
                    for (int i = 0; i < count; i++) {
                        tx.send(new DatagramPacket(b, b.length, new InetSocketAddress(to.address(), port)));
                        if (i % 50 == 49) {
                            Thread.sleep(2); // keep the receiver's buffer from being the loss
                        }
                    }
                }
                return null;
            });
            return received.get();
        } finally {
            rx.close();
        }
    }

    /** Bytes per second of a TCP transfer of size bytes from `from` to a sink in `to`. */
    static double tcpRate(LabSandbox from, LabSandbox to, int port, int size) throws Exception {
        try (ServerSocket server = to.call(() -> new ServerSocket(port))) {
            Future<Long> sink = LOOPS.submit(() -> {
                server.setSoTimeout(10_000);
                try (Socket c = server.accept(); InputStream in = c.getInputStream()) {
                    c.setSoTimeout(30_000);
                    long got = 0;
                    byte[] buf = new byte[64 * 1024];
                    for (int n; (n = in.read(buf)) > 0;) {
                        got += n;
                    }
                    return got;
                }
            });
            long t0 = System.nanoTime();
            from.call(() -> {
                try (Socket c = new Socket()) {
                    c.connect(new InetSocketAddress(to.address(), port), 5000);
                    OutputStream out = c.getOutputStream();
                    out.write(new byte[size]);
                    out.flush();
                }
                return null;
            });
            long got = sink.get();
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (got != size) {
                throw new AssertionError("sent " + size + " bytes, " + got + " arrived");
            }
            return size / seconds;
        }
    }
}
