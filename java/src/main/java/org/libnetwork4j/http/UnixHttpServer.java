package org.libnetwork4j.http;

import java.io.IOException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.InternalException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.NotSupportedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP/1.1 server on a unix socket, for the Docker edges: Docker's network and IPAM plugin
 * protocol, the Engine API. One {@link Handler} answers every request, on an executor the
 * caller gives (never on the event loop: a handler may take tens of milliseconds of kernel
 * calls).
 *
 * <p><b>Who may talk.</b> The socket file is made mode 0660, owned by root:root (when the server
 * runs as root), and every connection's peer is checked by {@code SO_PEERCRED}: a uid other
 * than the allowed one (by default the server's own effective uid) gets a 403 and the
 * connection is closed. The file mode alone would not do: it is set just after the bind, and a
 * directory the socket was made in may be open to others.
 *
 * <p><b>Requests.</b> A body over the limit ({@link #DEFAULT_MAX_BODY_BYTES} by default), or a
 * request Netty cannot parse, gets a 400 in the {@link ErrorFormatter}'s form and the connection
 * is closed; the handler never sees it. Connections are kept alive as HTTP/1.1 says, and a
 * connection's requests are answered one at a time, in order (pipelined requests wait their
 * turn; past {@link #MAX_PIPELINED} waiting, the server stops reading the connection). Any
 * {@code Host} is accepted: Docker's clients send odd ones. A handler that throws gets the
 * client a 500.
 *
 * <p>{@link #close} stops it: no more connections, the open ones closed (streaming bodies see
 * it), the event loop stopped, the socket file removed.
 */
public final class UnixHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UnixHttpServer.class);

    /** The default limit on a request's body: 1 MiB. */
    public static final int DEFAULT_MAX_BODY_BYTES = 1 << 20;
    /** Requests of one connection waiting for their turn before the server stops reading it. */
    public static final int MAX_PIPELINED = 16;
    /** Bytes of a streaming body waiting for a slow client before its connection is closed. */
    static final long MAX_STREAM_BUFFERED = 8L << 20;
    /** sun_path is 108 bytes with its terminating NUL. */
    private static final int MAX_SOCKET_PATH_BYTES = 107;
    private static final int S_IFMT = 0170000;
    private static final int S_IFSOCK = 0140000;

    private final Path socket;
    private final Handler handler;
    private final Executor executor;
    private final ErrorFormatter errors;
    private final int maxBodyBytes;
    private final int allowedUid;
    private final Set<Channel> connections = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final EventLoopGroup group;
    private final Channel listener;
    /** The socket file's identity, so that close removes only the file this server made. */
    private final Object socketKey;

    /**
     * How to build a server: the socket, the handler and the executor, then what differs from
     * the defaults.
     */
    public static final class Builder {
        private final Path socket;
        private final Handler handler;
        private final Executor executor;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private ErrorFormatter errors = ErrorFormatter.ENGINE;
        private Integer allowedUid;

        private Builder(Path socket, Handler handler, Executor executor) {
            this.socket = Objects.requireNonNull(socket, "socket");
            this.handler = Objects.requireNonNull(handler, "handler");
            this.executor = Objects.requireNonNull(executor, "executor");
        }

        /**
         * The limit on a request's body; a longer one gets a 400.
         *
         * @param bytes the limit, at least 1; {@link #DEFAULT_MAX_BODY_BYTES} if not set
         * @return this builder
         */
        public Builder maxBodyBytes(int bytes) {
            if (bytes < 1) {
                throw new InvalidParameterException("body limit must be positive: " + bytes);
            }
            this.maxBodyBytes = bytes;
            return this;
        }

        /**
         * How the server's own errors look (a refused peer, a bad request, a handler that
         * threw).
         *
         * @param formatter the form; {@link ErrorFormatter#ENGINE} ({@code {"message": ...}}) if
         *                  not set
         * @return this builder
         */
        public Builder errors(ErrorFormatter formatter) {
            this.errors = Objects.requireNonNull(formatter, "formatter");
            return this;
        }

        /**
         * The one uid whose connections are served; others get a 403.
         *
         * @param uid the uid; the server's own effective uid if not set
         * @return this builder
         */
        public Builder allowedUid(int uid) {
            this.allowedUid = uid;
            return this;
        }

        /**
         * Binds the socket and starts serving.
         *
         * @return the running server
         * @throws InvalidParameterException if the path is too long for a unix socket, or names
         *                                   something other than a socket
         * @throws AlreadyExistsException    if a server is listening on the path already
         * @throws NotSupportedException     if Netty's epoll transport is unavailable
         * @throws InternalException         if the socket cannot be made (no permission, say)
         */
        public UnixHttpServer start() {
            return new UnixHttpServer(this);
        }
    }

    /**
     * A builder.
     *
     * @param socket   the socket file's path; its parent directories are made as needed
     * @param handler  answers every request
     * @param executor runs the handler; the server uses it, never shuts it down
     * @return the builder
     */
    public static Builder builder(Path socket, Handler handler, Executor executor) {
        return new Builder(socket, handler, executor);
    }

    /**
     * A server with the defaults: {@code builder(socket, handler, executor).start()}.
     *
     * @param socket   the socket file's path
     * @param handler  answers every request
     * @param executor runs the handler
     * @return the running server
     */
    public static UnixHttpServer start(Path socket, Handler handler, Executor executor) {
        return builder(socket, handler, executor).start();
    }

    private UnixHttpServer(Builder b) {
        if (!Epoll.isAvailable()) {
            throw new NotSupportedException("cannot serve HTTP on " + b.socket + ": Netty's epoll transport is"
                    + " unavailable (" + Epoll.unavailabilityCause() + ")");
        }
        this.socket = b.socket.toAbsolutePath().normalize();
        // Everything a connection reads is set before the bind: the first one may be accepted
        // before this constructor returns.
        this.handler = b.handler;
        this.executor = b.executor;
        this.errors = b.errors;
        this.maxBodyBytes = b.maxBodyBytes;
        this.allowedUid = b.allowedUid != null ? b.allowedUid : effectiveUid();
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH_BYTES) {
            throw new InvalidParameterException("socket path " + socket + " is longer than a unix socket's "
                    + MAX_SOCKET_PATH_BYTES + " bytes");
        }
        prepare(socket);
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("lnw-http-server", true),
                EpollIoHandler.newFactory());
        Channel bound = null;
        try {
            bound = new ServerBootstrap()
                    .group(group)
                    .channel(EpollServerDomainSocketChannel.class)
                    .childHandler(new ChannelInitializer<EpollDomainSocketChannel>() {
                        @Override
                        protected void initChannel(EpollDomainSocketChannel ch) {
                            accept(ch);
                        }
                    })
                    .bind(new DomainSocketAddress(socket.toString()))
                    .syncUninterruptibly()
                    .channel();
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
            if (effectiveUid() == 0) {
                Files.setAttribute(socket, "unix:uid", 0, LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(socket, "unix:gid", 0, LinkOption.NOFOLLOW_LINKS);
            }
            this.socketKey = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
        } catch (Exception e) { // syncUninterruptibly rethrows the bind's IOException undeclared
            if (bound != null) {
                bound.close().awaitUninterruptibly();
                deleteQuietly(socket);
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
            throw new InternalException("listen on " + socket + ": " + e.getMessage(), 0, "listen",
                    socket.toString(), e);
        }
        this.listener = bound;
        LOG.debug("serving HTTP on {} for uid {}", socket, allowedUid);
    }

    /**
     * The socket file's path.
     *
     * @return the absolute path the server listens on
     */
    public Path socketPath() {
        return socket;
    }

    /**
     * Stops serving: closes the socket and every connection (a streaming body's
     * {@link StreamingBody#onClose} hooks run), stops the event loop and removes the socket
     * file (if it is still the one this server made). Handlers running meanwhile finish, but
     * their responses go nowhere. Idempotent; not to be called from a handler's event loop
     * thread (none is given to handlers).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        listener.close().awaitUninterruptibly();
        for (Channel c : connections) {
            c.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        try {
            Object key = Files.readAttributes(socket, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
            if (Objects.equals(key, socketKey)) {
                Files.deleteIfExists(socket);
            }
        } catch (NoSuchFileException e) {
            // gone already
        } catch (IOException e) {
            LOG.warn("cannot remove socket {}: {}", socket, e.toString());
        }
    }

    // ---- the socket file ----

    /** Makes the parent directories and removes a socket nobody listens on any more. */
    private static void prepare(Path socket) {
        try {
            Files.createDirectories(socket.getParent());
            int mode;
            try {
                mode = (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                return;
            }
            if ((mode & S_IFMT) != S_IFSOCK) {
                throw new InvalidParameterException("cannot listen on " + socket + ": it exists and is not a socket");
            }
            if (someoneListens(socket)) {
                throw new AlreadyExistsException("cannot listen on " + socket + ": a server is listening on it");
            }
            // A server that died left it: binding would fail with EADDRINUSE.
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            throw new InternalException("listen on " + socket + ": " + e, 0, "listen", socket.toString(), e);
        }
    }

    /**
     * Whether a server accepts connections on the socket file. Only ECONNREFUSED says no: any
     * other failure (EACCES for a non-root server, say) says nothing, and the file is left.
     */
    private static boolean someoneListens(Path socket) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (ConnectException e) {
            return false;
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", p, e.toString());
        }
    }

    /**
     * This process's effective uid, from {@code /proc/self/status} (its {@code Uid:} line:
     * real, effective, saved, filesystem). The JDK offers only the real one.
     *
     * @return the effective uid
     */
    static int effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("Uid:")) {
                    return Integer.parseInt(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new InternalException("read the effective uid from /proc/self/status: " + e, 0, "", "", e);
        }
        throw new InternalException("no Uid: line in /proc/self/status");
    }

    // ---- connections ----

    /** Sets up an accepted connection; on its event loop. */
    private void accept(EpollDomainSocketChannel ch) {
        connections.add(ch);
        ch.closeFuture().addListener(f -> connections.remove(ch));
        if (closed.get()) { // accepted while close() was walking the connections
            ch.close();
            return;
        }
        int uid;
        try {
            uid = ch.peerCredentials().uid();
        } catch (IOException e) {
            LOG.debug("no peer credentials on {}: {}", socket, e.toString());
            ch.close();
            return;
        }
        ChannelPipeline p = ch.pipeline();
        p.addLast("codec", new HttpServerCodec(new HttpDecoderConfig()
                .setMaxInitialLineLength(16 << 10)
                .setMaxHeaderSize(64 << 10)));
        if (uid != allowedUid) {
            LOG.debug("refused a connection of uid {} on {}", uid, socket);
            p.addLast("refusal", new Refusal(uid));
            return;
        }
        p.addLast("aggregator", new BodyLimit(maxBodyBytes));
        p.addLast("connection", new Connection());
    }

    /** An error the server answers itself, in the edge's form; never fails. */
    private Response error(int status, String message) {
        try {
            Response r = errors.format(status, message);
            if (r != null) {
                return r;
            }
        } catch (RuntimeException e) {
            LOG.warn("the error formatter failed on {} \"{}\"", status, message, e);
        }
        return Response.json(status, Map.of("message", message));
    }

    private static String describe(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.getClass().getName();
    }

    /**
     * Netty's form of a whole response.
     *
     * @throws IllegalArgumentException if a header is not valid HTTP (a line break in a value)
     */
    private static FullHttpResponse full(Response r, HttpVersion version, boolean keepAlive) {
        FullHttpResponse res = new DefaultFullHttpResponse(version, HttpResponseStatus.valueOf(r.status()),
                Unpooled.wrappedBuffer(r.body()));
        try {
            head(res, r, keepAlive);
            HttpUtil.setContentLength(res, r.body().length);
            return res;
        } catch (RuntimeException e) {
            res.release();
            throw e;
        }
    }

    private static void head(HttpResponse res, Response r, boolean keepAlive) {
        r.headers().forEach((name, value) -> {
            if (!HttpHeaderNames.CONTENT_TYPE.contentEqualsIgnoreCase(name)
                    && !HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)
                    && !HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name)
                    && !HttpHeaderNames.CONNECTION.contentEqualsIgnoreCase(name)) {
                res.headers().add(name, value);
            }
        });
        if (r.contentType() != null) {
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
        }
        HttpUtil.setKeepAlive(res, keepAlive);
    }

    /** A request turned into ours on the event loop, with what answering it needs. */
    private record Call(Request request, HttpVersion version, boolean keepAlive) {
    }

    /** A request answered without the handler (too big, unparseable): in its turn, then close. */
    private record Rejection(int status, String message) {
    }

    private static Object toCall(FullHttpRequest r) {
        if (!r.decoderResult().isSuccess()) {
            return new Rejection(400, "malformed request: " + describe(r.decoderResult().cause()));
        }
        String uri = r.uri();
        // absolute-form (GET http://host/path): what counts is the path and the query
        int scheme = uri.indexOf("://");
        if (!uri.startsWith("/") && scheme > 0) {
            int slash = uri.indexOf('/', scheme + 3);
            uri = slash < 0 ? "/" : uri.substring(slash);
        }
        QueryStringDecoder q;
        String path;
        try {
            q = new QueryStringDecoder(uri);
            path = q.path(); // decodes, and so may fail on a bad %-escape
        } catch (IllegalArgumentException e) {
            return new Rejection(400, "malformed request target: " + describe(e));
        }
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Map.Entry<String, String> h : r.headers()) {
            headers.computeIfAbsent(h.getKey(), k -> new ArrayList<>()).add(h.getValue());
        }
        Map<String, List<String>> query = new LinkedHashMap<>(q.parameters());
        Request req = new Request(r.method().name(), path, query, headers, ByteBufUtil.getBytes(r.content()));
        return new Call(req, r.protocolVersion(), HttpUtil.isKeepAlive(r));
    }

    /**
     * Netty would answer a body over the limit with 413: Docker's protocols want 400. The
     * rejection goes down the pipeline, to be answered in its turn after the requests before
     * it; the aggregator discards the rest of the body meanwhile.
     */
    private static final class BodyLimit extends HttpObjectAggregator {
        BodyLimit(int maxBodyBytes) {
            super(maxBodyBytes);
        }

        @Override
        protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
            // curl sends 'Expect: 100-continue' with large bodies, and Netty's answer to a too
            // large one is its own 413: saying nothing here leaves it to the length check,
            // which ends in handleOversizedMessage.
            if (HttpUtil.is100ContinueExpected(start) && HttpUtil.getContentLength(start, -1L) > maxContentLength) {
                return null;
            }
            return super.newContinueResponse(start, maxContentLength, pipeline);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            ctx.fireChannelRead(new Rejection(400, "request body larger than " + maxContentLength() + " bytes"));
        }
    }

    /** A peer of another uid: a 403 to its first request, then the connection closes. */
    private final class Refusal extends ChannelInboundHandlerAdapter {
        private final int uid;
        private boolean answered;

        Refusal(int uid) {
            this.uid = uid;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpRequest && !answered) {
                    answered = true;
                    ctx.writeAndFlush(full(error(403, "uid " + uid + " may not use " + socket), HttpVersion.HTTP_1_1,
                            false)).addListener(ChannelFutureListener.CLOSE);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    /**
     * One connection's requests, answered one at a time in order. Its fields belong to the
     * event loop; the executor's threads reach them only through tasks on it (a write's
     * listener, {@code eventLoop().execute}).
     */
    private final class Connection extends ChannelInboundHandlerAdapter {
        private final ArrayDeque<Object> pending = new ArrayDeque<>();
        private ChannelHandlerContext ctx;
        /** A request is with the handler, or its response is being written. */
        private boolean busy;
        /** A response that closes the connection is on its way: what comes after goes unanswered. */
        private boolean ending;
        private Stream stream;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (ending) {
                    return;
                }
                if (msg instanceof FullHttpRequest r) {
                    pending.add(toCall(r));
                } else if (msg instanceof Rejection) {
                    pending.add(msg);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
            if (pending.size() >= MAX_PIPELINED) {
                ctx.channel().config().setAutoRead(false);
            }
            next();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            pending.clear();
            if (stream != null) {
                stream.ended(false);
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("connection on {} failed: {}", socket, cause.toString());
            ctx.close();
        }

        private void next() {
            if (busy || ending) {
                return;
            }
            Object item = pending.poll();
            if (pending.size() < MAX_PIPELINED / 2 && !ctx.channel().config().isAutoRead()) {
                ctx.channel().config().setAutoRead(true);
            }
            if (item == null) {
                return;
            }
            busy = true;
            if (item instanceof Rejection rj) {
                ending = true;
                pending.clear();
                send(error(rj.status(), rj.message()), HttpVersion.HTTP_1_1, false);
                return;
            }
            Call call = (Call) item;
            try {
                executor.execute(() -> serve(call));
            } catch (RejectedExecutionException e) {
                send(error(503, "the server cannot take requests now"), call.version(), call.keepAlive());
            }
        }

        /** Back on the event loop once a response is all written: the next request's turn. */
        private void done() {
            busy = false;
            stream = null;
            next();
        }

        /** On the executor. */
        private void serve(Call call) {
            Request req = call.request();
            Response r;
            try {
                r = handler.handle(req);
                if (r == null) {
                    throw new IllegalStateException("the handler returned no response");
                }
            } catch (RuntimeException e) {
                LOG.warn("{} {} on {} failed", req.method(), req.path(), socket, e);
                r = error(500, describe(e));
            } catch (Error e) {
                ctx.close(); // no answer is coming: do not leave the client waiting
                throw e;
            }
            if (r.isStreaming()) {
                startStream(call, r);
            } else {
                send(r, call.version(), call.keepAlive());
            }
        }

        /** From any thread. */
        private void send(Response r, HttpVersion version, boolean keepAlive) {
            FullHttpResponse res;
            try {
                res = full(r, version, keepAlive);
            } catch (RuntimeException e) {
                LOG.warn("a response of {} on {} cannot be written", r.status(), socket, e);
                String why = "the response cannot be written: " + describe(e);
                try {
                    res = full(error(500, why), version, keepAlive);
                } catch (RuntimeException again) { // the formatter's own headers, say
                    res = full(Response.json(500, Map.of("message", why)), version, keepAlive);
                }
            }
            ctx.channel().writeAndFlush(res).addListener(f -> {
                if (!keepAlive || !f.isSuccess()) {
                    ctx.close();
                }
                done();
            });
        }

        /** On the executor. */
        private void startStream(Call call, Response r) {
            // HTTP/1.0 has no chunks: the body goes as it is and the connection's end ends it
            boolean chunked = !HttpVersion.HTTP_1_0.equals(call.version());
            boolean keepAlive = chunked && call.keepAlive();
            HttpResponse head = new DefaultHttpResponse(call.version(), HttpResponseStatus.valueOf(r.status()));
            try {
                head(head, r, keepAlive);
            } catch (RuntimeException e) {
                LOG.warn("a streaming response of {} on {} cannot be written", r.status(), socket, e);
                send(error(500, "the response cannot be written: " + describe(e)), call.version(), call.keepAlive());
                return;
            }
            if (chunked) {
                HttpUtil.setTransferEncodingChunked(head, true);
            }
            Stream s = new Stream(keepAlive);
            Channel ch = ctx.channel();
            // Registered on the event loop, where channelInactive reads it: a client gone
            // before this runs is seen here, one gone after is seen there.
            ch.eventLoop().execute(() -> {
                stream = s;
                if (!ch.isActive()) {
                    s.ended(false);
                }
            });
            // Queued before anything the streamer writes: the head goes first.
            ch.writeAndFlush(head).addListener(f -> {
                if (!f.isSuccess()) {
                    s.abort();
                }
            });
            try {
                r.streamer().start(s);
            } catch (RuntimeException e) {
                LOG.warn("the body of {} {} on {} failed", call.request().method(), call.request().path(), socket, e);
                s.abort();
            }
        }

        /**
         * A streaming body. Writes and the end are ordered under its lock, so that no piece can
         * follow the last chunk.
         */
        private final class Stream implements StreamingBody {
            private final boolean keepAlive;
            private final AtomicLong buffered = new AtomicLong();
            private final List<Runnable> hooks = new ArrayList<>();
            private boolean ended;

            Stream(boolean keepAlive) {
                this.keepAlive = keepAlive;
            }

            @Override
            public synchronized boolean write(byte[] bytes) {
                if (ended) {
                    return false;
                }
                if (bytes.length == 0) {
                    return true; // an empty chunk would end the body
                }
                if (buffered.addAndGet(bytes.length) > MAX_STREAM_BUFFERED) {
                    LOG.warn("a client on {} reads too slowly: {} bytes wait for it; closing", socket, buffered.get());
                    abort();
                    return false;
                }
                ctx.channel().writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(bytes))).addListener(f -> {
                    buffered.addAndGet(-bytes.length);
                    if (!f.isSuccess()) {
                        abort();
                    }
                });
                return true;
            }

            @Override
            public synchronized boolean isOpen() {
                return !ended;
            }

            @Override
            public void onClose(Runnable hook) {
                synchronized (this) {
                    if (!ended) {
                        hooks.add(hook);
                        return;
                    }
                }
                runHook(hook);
            }

            @Override
            public void close() {
                ended(true);
            }

            /** Ends the response and the connection: the body cannot be finished. */
            void abort() {
                ended(false);
                ctx.close();
            }

            /**
             * Ends the body once; the last chunk is written if it is to be finished (and the
             * connection is there for it).
             */
            void ended(boolean finish) {
                List<Runnable> toRun;
                synchronized (this) {
                    if (ended) {
                        return;
                    }
                    ended = true;
                    toRun = List.copyOf(hooks);
                    hooks.clear();
                    if (finish) {
                        ctx.channel().writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> {
                            if (!keepAlive || !f.isSuccess()) {
                                ctx.close();
                            }
                            done();
                        });
                    }
                }
                toRun.forEach(this::runHook);
            }

            /** On the executor, so that an unsubscribing hook never runs on the event loop. */
            private void runHook(Runnable hook) {
                Runnable safe = () -> {
                    try {
                        hook.run();
                    } catch (RuntimeException e) {
                        LOG.warn("a streaming body's close hook on {} failed", socket, e);
                    }
                };
                try {
                    executor.execute(safe);
                } catch (RejectedExecutionException e) {
                    safe.run();
                }
            }
        }
    }
}
