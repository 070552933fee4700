package org.libnetwork4j.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A client that writes bytes as they are and reads what comes, for what UnixHttpClient would
 * not send (malformed requests, pipelining) and for watching a streaming body arrive.
 */
final class Raw implements AutoCloseable {
    private final SocketChannel ch;
    private final Selector selector;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private boolean eof;

    Raw(Path socket) {
        try {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.configureBlocking(false);
            selector = Selector.open();
            ch.register(selector, SelectionKey.OP_READ);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void send(String text) {
        send(text.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        try {
            while (b.hasRemaining()) {
                if (ch.write(b) == 0) {
                    Thread.onSpinWait();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything received so far once it contains needle, or (after timeout) whatever came. */
    String readUntil(String needle, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!text().contains(needle) && !eof && System.nanoTime() < deadline) {
            poll(deadline);
        }
        return text();
    }

    /** Everything received until the server closed, or (after timeout) whatever came. */
    String readToEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!eof && System.nanoTime() < deadline) {
            poll(deadline);
        }
        return text();
    }

    /** Whether the server closed its end. */
    boolean closedByServer() {
        return eof;
    }

    String text() {
        return received.toString(StandardCharsets.UTF_8);
    }

    private void poll(long deadline) {
        try {
            long ms = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
            selector.select(ms);
            selector.selectedKeys().clear();
            ByteBuffer b = ByteBuffer.allocate(8192);
            int n;
            while ((n = ch.read(b)) > 0) {
                received.write(b.array(), 0, n);
                b.clear();
            }
            if (n < 0) {
                eof = true;
            }
        } catch (IOException e) {
            eof = true; // ECONNRESET counts as the end
        }
    }

    @Override
    public void close() {
        try {
            selector.close();
            ch.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
