package org.libnetwork4j.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.libnetwork4j.InternalException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.NotSupportedException;
import org.libnetwork4j.RetryableException;

/**
 * UnixHttpClient against UnixHttpServer and against raw socket servers that misbehave: none
 * listening, one that never answers, one that answers garbage.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnixHttpClientTest {
    private static final Duration T = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        executor.shutdownNow();
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
    }

    private Path sock() {
        return dir.resolve("plugin.sock");
    }

    /**
     * A unix socket server that answers each connection with what reply makes of the first
     * bytes it read (null: nothing, and the connection stays open until the test ends).
     */
    private ServerSocketChannel rawServer(Function<String, byte[]> reply) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(sock()));
        return rawServe(server, reply);
    }

    private ServerSocketChannel rawServe(ServerSocketChannel server, Function<String, byte[]> reply) {
        toClose.add(0, server);
        toClose.add(0, () -> Files.deleteIfExists(sock()));
        executor.execute(() -> {
            while (true) {
                SocketChannel ch;
                try {
                    ch = server.accept();
                } catch (IOException e) {
                    return; // closed
                }
                toClose.add(0, ch);
                executor.execute(() -> {
                    try {
                        String request = readRequest(ch);
                        byte[] answer = reply.apply(request);
                        if (answer != null) {
                            ch.write(ByteBuffer.wrap(answer));
                            ch.close();
                        }
                    } catch (IOException e) {
                        // the client went away
                    }
                });
            }
        });
        return server;
    }

    /** The head, and as many bytes after it as its Content-Length says (or whatever came, at the end). */
    private static String readRequest(SocketChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(1 << 20);
        while (ch.read(b) >= 0) {
            String text = new String(b.array(), 0, b.position(), StandardCharsets.ISO_8859_1);
            int headEnd = text.indexOf("\r\n\r\n");
            if (headEnd < 0) {
                continue;
            }
            Matcher m = Pattern.compile("(?im)^content-length: *(\\d+)\r$").matcher(text.substring(0, headEnd + 2));
            int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
            if (text.length() >= headEnd + 4 + length) {
                return text;
            }
        }
        return new String(b.array(), 0, b.position(), StandardCharsets.ISO_8859_1);
    }

    @Test
    void aMissingSocketIsAConnectionError() {
        ConnectFailedException e = assertThrows(ConnectFailedException.class,
                () -> UnixHttpClient.unix(sock()).post("/Plugin.Activate", new byte[0], T));
        assertInstanceOf(RetryableException.class, e);
        assertEquals(2, e.errno(), e.getMessage()); // ENOENT
        assertTrue(e.getMessage().startsWith("connect to unix://" + sock()), e.getMessage());
    }

    @Test
    void aSocketNobodyListensOnIsAConnectionError() throws IOException {
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(sock()));
        } // the file stays
        toClose.add(() -> Files.deleteIfExists(sock()));
        ConnectFailedException e = assertThrows(ConnectFailedException.class,
                () -> UnixHttpClient.unix(sock()).post("/Plugin.Activate", new byte[0], T));
        assertTrue(e.getMessage().contains("refused"), e.getMessage());
    }

    @Test
    void aServerThatNeverAnswersIsATimeoutWithinTheTimeout() throws IOException {
        rawServer(request -> null);
        long start = System.nanoTime();
        ResponseTimeoutException e = assertThrows(ResponseTimeoutException.class,
                () -> UnixHttpClient.unix(sock()).post("/Plugin.Activate", new byte[0], Duration.ofMillis(300)));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 290 && ms < 3000, ms + " ms");
        assertTrue(e.getMessage().contains("no response within"), e.getMessage());
    }

    @Test
    void garbageIsABadResponse() throws IOException {
        rawServer(request -> "SSH-2.0-OpenSSH_9.2\r\n\r\nwhatever\r\n".getBytes(StandardCharsets.UTF_8));
        BadResponseException e = assertThrows(BadResponseException.class,
                () -> UnixHttpClient.unix(sock()).post("/Plugin.Activate", new byte[0], T));
        assertInstanceOf(InternalException.class, e);
        assertTrue(e.getMessage().startsWith("POST /Plugin.Activate to unix://" + sock()), e.getMessage());
    }

    @Test
    void aConnectionClosedWithoutAnAnswerIsABadResponse() throws IOException {
        rawServer(request -> new byte[0]);
        BadResponseException e = assertThrows(BadResponseException.class,
                () -> UnixHttpClient.unix(sock()).post("/Plugin.Activate", new byte[0], T));
        assertTrue(e.getMessage().contains("closed before a whole response"), e.getMessage());
    }

    @Test
    void aResponseOverTheLimitIsABadResponse() throws IOException {
        String body = "x".repeat(5000);
        rawServer(request -> ("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + body)
                .getBytes(StandardCharsets.UTF_8));
        UnixHttpClient client = UnixHttpClient.unix(sock());
        assertEquals(body, client.post("/a", new byte[0], T).bodyText());
        assertThrows(BadResponseException.class, () -> client.withMaxResponseBytes(4096).post("/a", new byte[0], T));
    }

    @Test
    void itSendsWhatDockersPluginClientSendsAndHeadersCanBeChanged() throws IOException {
        AtomicReference<String> seen = new AtomicReference<>();
        rawServer(request -> {
            seen.set(request);
            return ("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.plugins.v1+json\r\nX-A: 1\r\n"
                    + "X-A: 2\r\nContent-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.UTF_8);
        });
        Response r = UnixHttpClient.unix(sock()).post("/NetworkDriver.GetCapabilities",
                "{}".getBytes(StandardCharsets.UTF_8), T);
        assertEquals(200, r.status());
        assertEquals("application/vnd.docker.plugins.v1+json", r.contentType());
        assertEquals("1, 2", r.header("x-a"));
        assertEquals("{}", r.bodyText());
        String req = seen.get().toLowerCase();
        assertTrue(req.startsWith("post /networkdriver.getcapabilities http/1.1\r\n"), req);
        assertTrue(req.contains("\r\nhost: plugin\r\n"), req);
        assertTrue(req.contains("\r\naccept: application/vnd.docker.plugins.v1.2+json\r\n"), req);
        assertTrue(req.contains("\r\ncontent-type: application/vnd.docker.plugins.v1+json\r\n"), req);
        assertTrue(req.endsWith("\r\n\r\n{}"), req);

        UnixHttpClient changed = UnixHttpClient.unix(sock()).withHeader("host", "other").withHeader("Accept", null);
        changed.request("GET", "/x", Map.of("X-Extra", "yes"), null, T);
        req = seen.get().toLowerCase();
        assertTrue(req.contains("\r\nhost: other\r\n") && req.contains("\r\nx-extra: yes\r\n"), req);
        assertTrue(!req.contains("accept:"), req);
    }

    @Test
    void retryingConnectWaitsForAPluginThatIsStarting() throws Exception {
        ExecutorService handlers = Executors.newFixedThreadPool(2);
        toClose.add(0, handlers::shutdownNow);
        executor.execute(() -> {
            try {
                Thread.sleep(400);
            } catch (InterruptedException e) {
                return;
            }
            toClose.add(0, UnixHttpServer.start(sock(), req -> Response.text(200, "up"), handlers));
        });
        long start = System.nanoTime();
        Response r = UnixHttpClient.unix(sock()).requestRetryingConnect("POST", "/Plugin.Activate", Map.of(),
                new byte[0], T, Duration.ofSeconds(20));
        assertEquals("up", r.bodyText());
        assertTrue(System.nanoTime() - start >= 400_000_000L);
    }

    @Test
    void retryingConnectGivesUpAfterItsTime() {
        long start = System.nanoTime();
        assertThrows(ConnectFailedException.class, () -> UnixHttpClient.unix(sock())
                .requestRetryingConnect("POST", "/Plugin.Activate", Map.of(), null, T, Duration.ofMillis(500)));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertTrue(ms >= 500 && ms < 5000, ms + " ms");
    }

    @Test
    void overTcpOnLoopback() throws Exception {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.INET);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        rawServe(server, request -> ("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n"
                + (request.startsWith("POST /tcp ") ? "tcp" : "???")).getBytes(StandardCharsets.UTF_8));
        Response r = UnixHttpClient.of("tcp://127.0.0.1:" + port).post("/tcp", "{}".getBytes(), T);
        assertEquals("tcp", r.bodyText());
        assertNull(r.contentType());
    }

    @Test
    void addressesAsDockerSpecFilesWriteThem() {
        assertEquals("unix:///run/docker/plugins/x.sock",
                UnixHttpClient.of("unix:///run/docker/plugins/x.sock").address());
        assertEquals("unix:///run/x.sock", UnixHttpClient.of("/run/x.sock").address());
        assertEquals("tcp://localhost:8080", UnixHttpClient.of("tcp://localhost:8080").address());
        assertEquals("tcp://10.0.0.1:80", UnixHttpClient.of("http://10.0.0.1:80").address());
        assertThrows(NotSupportedException.class, () -> UnixHttpClient.of("https://plugin:443"));
        assertThrows(InvalidParameterException.class, () -> UnixHttpClient.of("tcp://noport"));
        assertThrows(InvalidParameterException.class, () -> UnixHttpClient.of("ftp://x:1"));
        assertThrows(InvalidParameterException.class, () -> UnixHttpClient.of("relative.sock"));
        assertThrows(InvalidParameterException.class,
                () -> UnixHttpClient.unix(sock()).post("no-slash", null, T));
    }
}
