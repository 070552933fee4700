package org.libnetwork4j.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.InvalidParameterException;

/**
 * UnixHttpServer, through UnixHttpClient, curl and raw bytes on a socket under a temporary
 * directory.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnixHttpServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration T = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final ExecutorService executor = Executors.newFixedThreadPool(8);
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();

    @AfterEach
    void cleanUp() throws Exception {
        for (AutoCloseable c : toClose) {
            c.close();
        }
        executor.shutdownNow();
        assertTrue(executor.awaitTermination(10, TimeUnit.SECONDS));
    }

    private <T extends AutoCloseable> T closing(T c) {
        toClose.add(0, c);
        return c;
    }

    private Path sock() {
        return dir.resolve("run/plugins/test.sock");
    }

    private UnixHttpServer serve(Handler h) {
        return closing(UnixHttpServer.start(sock(), counting(h), executor));
    }

    private UnixHttpServer serve(UnixHttpServer.Builder b) {
        return closing(b.start());
    }

    private Handler counting(Handler h) {
        return req -> {
            calls.incrementAndGet();
            return h.handle(req);
        };
    }

    private static JsonNode json(Response r) throws IOException {
        return JSON.readTree(r.body());
    }

    /** Answers /double with twice the request's n, and 404 for anything else. */
    private static Response doubling(Request req) {
        if (!req.path().equals("/double")) {
            return ErrorFormatter.PLUGIN.format(404, "no route for " + req.method() + " " + req.path());
        }
        try {
            int n = JSON.readTree(req.body()).get("n").asInt();
            return Response.json(200, Map.of("twice", 2 * n, "tag", String.valueOf(req.queryParameter("tag")),
                    "host", String.valueOf(req.header("host")), "accept", String.valueOf(req.header("ACCEPT"))));
        } catch (IOException e) {
            return ErrorFormatter.PLUGIN.format(400, "malformed JSON: " + e.getMessage());
        }
    }

    private static Oracle run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS), "still running: " + String.join(" ", argv));
        return new Oracle(p.exitValue(), out);
    }

    private record Oracle(int exit, String out) {
    }

    @Test
    void jsonRoundTripAndTheHandlersOwn404() throws Exception {
        serve(UnixHttpServerTest::doubling);
        UnixHttpClient client = UnixHttpClient.unix(sock());

        Response r = client.post("/double?tag=a%20b&tag=second", "{\"n\": 21}".getBytes(StandardCharsets.UTF_8), T);
        assertEquals(200, r.status());
        assertEquals("application/json", r.contentType());
        JsonNode body = json(r);
        assertEquals(42, body.get("twice").asInt());
        assertEquals("a b", body.get("tag").asText());
        assertEquals("plugin", body.get("host").asText());
        assertEquals(UnixHttpClient.PLUGIN_ACCEPT, body.get("accept").asText());

        Response missing = client.post("/NetworkDriver.Nothing", "{}".getBytes(StandardCharsets.UTF_8), T);
        assertEquals(404, missing.status());
        assertEquals("no route for POST /NetworkDriver.Nothing", json(missing).get("Err").asText());
        assertEquals(2, calls.get());
    }

    @Test
    void sixtyFourConcurrentClientsEachGetTheirOwnAnswers() throws Exception {
        serve(req -> {
            // a little work behind each, so that requests overlap on the executor
            if (req.body().length % 3 == 0) {
                LockSupport.parkNanos(200_000);
            }
            return doubling(req);
        });
        UnixHttpClient client = UnixHttpClient.unix(sock());
        int threads = 64;
        int each = 40;
        List<String> wrong = new CopyOnWriteArrayList<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        int n = id * 1000 + i;
                        Response r = client.post("/double?tag=t" + id,
                                ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8), T);
                        JsonNode b = json(r);
                        if (r.status() != 200 || b.get("twice").asInt() != 2 * n
                                || !b.get("tag").asText().equals("t" + id)) {
                            wrong.add(id + "/" + i + ": " + r.status() + " " + r.bodyText());
                        }
                    }
                } catch (Exception | AssertionError e) {
                    wrong.add(id + ": " + e);
                }
            });
            th.start();
            all.add(th);
        }
        start.countDown();
        for (Thread th : all) {
            th.join(50_000);
            assertFalse(th.isAlive());
        }
        assertEquals(List.of(), wrong);
        assertEquals(threads * each, calls.get());
    }

    @Test
    void keepAliveAndPipelinedRequestsAreAnsweredInOrder() throws Exception {
        serve(req -> {
            // the first takes longest: an answer in completion order would show
            int wait = req.path().equals("/1") ? 300 : req.path().equals("/2") ? 100 : 0;
            try {
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Response.text(200, "answer" + req.path().substring(1) + ";");
        });
        try (Raw raw = new Raw(sock())) {
            // odd Host headers, as Docker's clients send them
            raw.send("GET /1 HTTP/1.1\r\nHost: %2Fvar%2Frun%2Fdocker.sock\r\n\r\n"
                    + "GET /2 HTTP/1.1\r\nHost: api.moby.localhost\r\n\r\n"
                    + "GET /3 HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n");
            String all = raw.readToEnd(T);
            assertTrue(raw.closedByServer(), all);
            int a1 = all.indexOf("answer1;");
            int a2 = all.indexOf("answer2;");
            int a3 = all.indexOf("answer3;");
            assertTrue(a1 > 0 && a1 < a2 && a2 < a3, all);
            assertEquals(3, all.split("HTTP/1.1 200 OK", -1).length - 1, all);
        }
        // and curl reuses one connection for two URLs
        Oracle o = run("curl", "-sS", "--unix-socket", sock().toString(), "-w", " connects=%{num_connects}\n",
                "http://docker/4", "http://docker/5");
        assertEquals(0, o.exit(), o.out());
        assertTrue(o.out().contains("answer4; connects=1") && o.out().contains("answer5; connects=0"), o.out());
    }

    @Test
    void aBodyOverTheLimitIs400WithAMessageAndNeverReachesTheHandler() throws Exception {
        serve(UnixHttpServer.builder(sock(), counting(UnixHttpServerTest::doubling), executor)
                .maxBodyBytes(1024).errors(ErrorFormatter.IPAM));
        UnixHttpClient client = UnixHttpClient.unix(sock());

        Response ok = client.post("/double", ("{\"n\": 1, \"pad\": \"" + "x".repeat(900) + "\"}")
                .getBytes(StandardCharsets.UTF_8), T);
        assertEquals(200, ok.status(), ok.bodyText());

        byte[] big = ("{\"n\": 1, \"pad\": \"" + "x".repeat(2000) + "\"}").getBytes(StandardCharsets.UTF_8);
        Response r = client.post("/double", big, T);
        assertEquals(400, r.status());
        assertEquals("application/json", r.contentType());
        assertEquals("request body larger than 1024 bytes", json(r).get("Error").asText());

        // chunked: no length up front, the limit found while reading
        try (Raw raw = new Raw(sock())) {
            String chunk = "x".repeat(600);
            raw.send("POST /double HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(600) + "\r\n" + chunk + "\r\n" + Integer.toHexString(600) + "\r\n" + chunk
                    + "\r\n0\r\n\r\n");
            String answer = raw.readToEnd(T);
            assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
            assertTrue(answer.contains("\"Error\":\"request body larger than 1024 bytes\""), answer);
            assertTrue(raw.closedByServer());
        }
        // 'Expect: 100-continue' (curl's way with big bodies): a 400 at once, no 100, no 413
        try (Raw raw = new Raw(sock())) {
            raw.send("POST /double HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n");
            String answer = raw.readToEnd(T);
            assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
            assertFalse(answer.contains(" 100 ") || answer.contains(" 413 "), answer);
        }
        assertEquals(1, calls.get());
    }

    @Test
    void aMalformedRequestIs400AndTheConnectionCloses() throws Exception {
        serve(UnixHttpServer.builder(sock(), counting(UnixHttpServerTest::doubling), executor)
                .errors(ErrorFormatter.PLUGIN));
        try (Raw raw = new Raw(sock())) {
            raw.send("THIS IS NOT HTTP AT ALL\r\n\r\n");
            String answer = raw.readToEnd(T);
            assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
            assertTrue(answer.contains("{\"Err\":\"malformed request"), answer);
            assertTrue(raw.closedByServer());
        }
        try (Raw raw = new Raw(sock())) {
            raw.send("GET /bad%zzescape HTTP/1.1\r\nHost: x\r\n\r\n");
            String answer = raw.readToEnd(T);
            assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
            assertTrue(answer.contains("malformed request target"), answer);
        }
        assertEquals(0, calls.get());
    }

    @Test
    void theSocketFileIs0660AndOwnedByRoot() throws Exception {
        serve(UnixHttpServerTest::doubling);
        Path s = sock();
        int mode = (Integer) Files.getAttribute(s, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        assertEquals(0140000, mode & 0170000, "a socket");
        assertEquals(0660, mode & 07777);
        assertEquals(0, Files.getAttribute(s, "unix:uid", LinkOption.NOFOLLOW_LINKS));
        assertEquals(0, Files.getAttribute(s, "unix:gid", LinkOption.NOFOLLOW_LINKS));
        Oracle stat = run("stat", "-c", "%a:%u:%g:%F", s.toString());
        assertEquals("660:0:0:socket\n", stat.out());
    }

    @Test
    void aPeerOfAnotherUidGets403AndNeverReachesTheHandler() throws Exception {
        // the test runs as root: allowing another uid makes root the stranger
        serve(UnixHttpServer.builder(sock(), counting(UnixHttpServerTest::doubling), executor).allowedUid(12345));
        Response r = UnixHttpClient.unix(sock()).post("/double", "{\"n\":1}".getBytes(StandardCharsets.UTF_8), T);
        assertEquals(403, r.status());
        assertEquals("uid 0 may not use " + sock(), json(r).get("message").asText());
        assertEquals("close", r.header("connection"));
        assertEquals(0, calls.get());
    }

    @Test
    void anotherRealUidCannotConnectThroughTheFileModeNorTalkThroughAnOpenedOne() throws Exception {
        assertEquals(0, UnixHttpServer.effectiveUid(), "this test runs as root");
        // the path must be traversable by uid 65534, so that only the socket's own mode stops it
        serve(UnixHttpServerTest::doubling);
        for (Path p = sock().getParent(); p.startsWith(dir); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        String[] asNobody = {"setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "curl", "-sS",
            "--unix-socket", sock().toString(), "http://x/anything"};

        Oracle refused = run(asNobody);
        assertEquals(7, refused.exit(), refused.out()); // curl: could not connect
        assertTrue(refused.out().contains("Permission denied") || refused.out().contains("Couldn't connect"),
                refused.out());

        // with the mode opened, SO_PEERCRED still turns it away
        Files.setPosixFilePermissions(sock(), PosixFilePermissions.fromString("rw-rw-rw-"));
        Oracle forbidden = run(asNobody);
        assertEquals(0, forbidden.exit(), forbidden.out());
        assertEquals("{\"message\":\"uid 65534 may not use " + sock() + "\"}", forbidden.out());
        assertEquals(0, calls.get());
    }

    @Test
    void aStaleSocketIsReplacedALiveOneOrAFileIsNot() throws Exception {
        Files.createDirectories(sock().getParent());
        // a server that died: the file stays, nobody listens
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(sock()));
        }
        assertTrue(Files.exists(sock()));
        UnixHttpServer first = serve(UnixHttpServerTest::doubling);
        Object inode = Files.getAttribute(sock(), "unix:ino");
        assertEquals(200, UnixHttpClient.unix(sock()).post("/double", "{\"n\":1}".getBytes(StandardCharsets.UTF_8), T)
                .status());

        // a live one is not taken over
        AlreadyExistsException live = assertThrows(AlreadyExistsException.class,
                () -> UnixHttpServer.start(sock(), UnixHttpServerTest::doubling, executor));
        assertTrue(live.getMessage().contains("a server is listening"), live.getMessage());
        assertEquals(inode, Files.getAttribute(sock(), "unix:ino"));
        assertEquals(200, UnixHttpClient.unix(sock()).post("/double", "{\"n\":1}".getBytes(StandardCharsets.UTF_8), T)
                .status());
        first.close();

        // nor is anything that is no socket
        Path file = dir.resolve("not-a-socket");
        Files.writeString(file, "keep me");
        InvalidParameterException notSocket = assertThrows(InvalidParameterException.class,
                () -> UnixHttpServer.start(file, UnixHttpServerTest::doubling, executor));
        assertTrue(notSocket.getMessage().contains("is not a socket"), notSocket.getMessage());
        assertEquals("keep me", Files.readString(file));
    }

    @Test
    void closeRemovesTheSocketStopsItsDaemonThreadsAndIsIdempotent() throws Exception {
        UnixHttpServer s = serve(UnixHttpServerTest::doubling);
        assertEquals(sock(), s.socketPath());
        List<Thread> loops = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("lnw-http-server-")).toList();
        assertFalse(loops.isEmpty());
        assertTrue(loops.stream().allMatch(Thread::isDaemon));

        s.close();
        assertFalse(Files.exists(sock(), LinkOption.NOFOLLOW_LINKS));
        for (Thread t : loops) {
            t.join(5000); // the loop has terminated; its thread is on its way out
            assertFalse(t.isAlive(), t.getName());
        }
        s.close();
        assertThrows(ConnectFailedException.class,
                () -> UnixHttpClient.unix(sock()).post("/double", new byte[0], T));
    }

    @Test
    void aHandlerThatThrowsGives500InTheFormattersForm() throws Exception {
        Handler h = req -> {
            if (req.path().equals("/boom")) {
                throw new IllegalStateException("boom: " + req.path());
            }
            return Response.empty(204);
        };
        serve(UnixHttpServer.builder(sock(), h, executor).errors(ErrorFormatter.PLUGIN));
        UnixHttpClient client = UnixHttpClient.unix(sock());
        Response r = client.post("/boom", new byte[0], T);
        assertEquals(500, r.status());
        assertEquals("{\"Err\":\"boom: /boom\"}", r.bodyText());
        assertEquals(204, client.post("/fine", new byte[0], T).status());
    }

    @Test
    void aStreamingBodyArrivesAsWrittenAndSeesTheClientGo() throws Exception {
        BlockingQueue<StreamingBody> bodies = new ArrayBlockingQueue<>(4);
        CountDownLatch hookRan = new CountDownLatch(1);
        serve(req -> {
            if (req.path().equals("/events")) {
                return Response.stream(200, "application/json", body -> {
                    body.onClose(hookRan::countDown);
                    bodies.add(body);
                });
            }
            return Response.text(200, "after the stream");
        });
        StreamingBody body;
        try (Raw raw = new Raw(sock())) {
            raw.send("GET /events HTTP/1.1\r\nHost: docker\r\n\r\n");
            body = bodies.poll(10, TimeUnit.SECONDS);
            assertNotNull(body);
            String head = raw.readUntil("\r\n\r\n", T);
            assertTrue(head.startsWith("HTTP/1.1 200 OK\r\n"), head);
            assertTrue(head.toLowerCase().contains("transfer-encoding: chunked"), head);
            assertTrue(head.toLowerCase().contains("content-type: application/json"), head);

            assertTrue(body.write("{\"n\":1}\n".getBytes(StandardCharsets.UTF_8)));
            assertTrue(raw.readUntil("{\"n\":1}", T).contains("8\r\n{\"n\":1}\n\r\n"), raw.text());
            assertFalse(raw.text().contains("{\"n\":2}"));
            assertTrue(body.write("{\"n\":2}\n".getBytes(StandardCharsets.UTF_8)));
            assertTrue(raw.readUntil("{\"n\":2}", T).contains("{\"n\":2}"), raw.text());
            assertFalse(raw.text().contains("0\r\n\r\n"), "not ended yet");
            assertEquals(1, hookRan.getCount());
            assertTrue(body.isOpen());
        } // the client goes away
        assertTrue(hookRan.await(10, TimeUnit.SECONDS), "the close hook ran");
        assertFalse(body.isOpen());
        assertFalse(body.write("{\"n\":3}\n".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aStreamClosedByItsProducerEndsTheBodyAndTheConnectionServesOn() throws Exception {
        serve(req -> {
            if (req.path().equals("/events")) {
                return Response.stream(200, "application/json", body -> {
                    // written from another thread, as an event subscription would
                    new Thread(() -> {
                        for (int i = 0; i < 3; i++) {
                            body.write(("{\"i\":" + i + "}\n").getBytes(StandardCharsets.UTF_8));
                        }
                        body.close();
                        assertFalse(body.write("late".getBytes(StandardCharsets.UTF_8)));
                    }).start();
                });
            }
            return Response.text(200, "after the stream");
        });
        try (Raw raw = new Raw(sock())) {
            raw.send("GET /events HTTP/1.1\r\nHost: docker\r\n\r\nGET /next HTTP/1.1\r\nHost: docker\r\n\r\n");
            String all = raw.readUntil("after the stream", T);
            int end = all.indexOf("\r\n0\r\n\r\n");
            assertTrue(all.contains("{\"i\":0}") && all.contains("{\"i\":2}"), all);
            assertTrue(end > all.indexOf("{\"i\":2}") && end < all.indexOf("after the stream"), all);
            assertFalse(all.contains("late"), all);
            assertFalse(raw.closedByServer());
        }
        // and curl reads it as a whole body; over HTTP/1.0, unchunked, the connection's end ending it
        Oracle o = run("curl", "-sS", "--unix-socket", sock().toString(), "http://x/events");
        assertEquals("{\"i\":0}\n{\"i\":1}\n{\"i\":2}\n", o.out());
        try (Raw raw = new Raw(sock())) {
            raw.send("GET /events HTTP/1.0\r\n\r\n");
            String all = raw.readToEnd(T);
            assertTrue(raw.closedByServer(), all);
            assertTrue(all.startsWith("HTTP/1.0 200 OK\r\n"), all);
            assertFalse(all.toLowerCase().contains("chunked"), all);
            assertTrue(all.endsWith("\r\n\r\n{\"i\":0}\n{\"i\":1}\n{\"i\":2}\n"), all);
        }
    }

    @Test
    void aClientThatStopsReadingIsCutOffBeforeItsBodyEatsTheHeap() throws Exception {
        BlockingQueue<StreamingBody> bodies = new ArrayBlockingQueue<>(1);
        CountDownLatch hookRan = new CountDownLatch(1);
        serve(req -> Response.stream(200, null, body -> {
            body.onClose(hookRan::countDown);
            bodies.add(body);
        }));
        try (Raw raw = new Raw(sock())) {
            raw.send("GET /events HTTP/1.1\r\nHost: docker\r\n\r\n");
            StreamingBody body = bodies.poll(10, TimeUnit.SECONDS);
            assertNotNull(body);
            byte[] piece = new byte[256 << 10];
            long written = 0;
            while (body.write(piece)) { // nobody reads
                written += piece.length;
                assertTrue(written < 64L << 20, "still accepting after " + written + " bytes");
            }
            assertTrue(written >= UnixHttpServer.MAX_STREAM_BUFFERED - piece.length, written + " bytes");
            assertTrue(hookRan.await(10, TimeUnit.SECONDS));
            raw.readToEnd(T);
            assertTrue(raw.closedByServer());
        }
    }

    @Test
    void anExecutorThatRejectsGives503() throws Exception {
        serve(UnixHttpServer.builder(sock(), counting(UnixHttpServerTest::doubling), command -> {
            throw new RejectedExecutionException("full");
        }));
        Response r = UnixHttpClient.unix(sock()).post("/double", "{\"n\":1}".getBytes(StandardCharsets.UTF_8), T);
        assertEquals(503, r.status());
        assertEquals("the server cannot take requests now", json(r).get("message").asText());
        assertEquals(0, calls.get());
    }

    @Test
    void closingTheServerEndsAnOpenStream() throws Exception {
        BlockingQueue<StreamingBody> bodies = new ArrayBlockingQueue<>(1);
        CountDownLatch hookRan = new CountDownLatch(1);
        UnixHttpServer s = serve(req -> Response.stream(200, null, body -> {
            body.onClose(hookRan::countDown);
            bodies.add(body);
        }));
        try (Raw raw = new Raw(sock())) {
            raw.send("GET /events HTTP/1.1\r\nHost: docker\r\n\r\n");
            StreamingBody body = bodies.poll(10, TimeUnit.SECONDS);
            assertNotNull(body);
            s.close();
            assertTrue(hookRan.await(10, TimeUnit.SECONDS));
            assertFalse(body.isOpen());
            assertFalse(body.write("x".getBytes(StandardCharsets.UTF_8)));
            raw.readToEnd(T);
            assertTrue(raw.closedByServer());
        }
    }
}
