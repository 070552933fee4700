package org.libnetwork4j.http;

import java.io.FileNotFoundException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.Errors;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NotSupportedException;
import org.libnetwork4j.RetryableException;

/**
 * An HTTP/1.1 client for Docker plugins: one request per connection, to a unix socket or a TCP
 * address, the caller's thread blocking until the whole response is there or the timeout
 * passes. Immutable and thread-safe; all clients share one event-loop thread (a daemon, made at
 * the first request, never stopped).
 *
 * <p>It sends what Docker's plugin client sends ({@code Host: plugin}, {@code Accept:
 * application/vnd.docker.plugins.v1.2+json}, {@code Content-Type:
 * application/vnd.docker.plugins.v1+json}) unless told otherwise ({@link #withHeader}).
 *
 * <p>Failures are typed by what the caller can do: {@link ConnectFailedException} (nothing was
 * sent: try again, as {@link #requestRetryingConnect} does), {@link ResponseTimeoutException}
 * (the request may have been acted on), {@link BadResponseException} (the peer does not speak
 * HTTP, or not within the limits). Any status, 4xx and 5xx included, is a response.
 */
public final class UnixHttpClient {
    /** The default limit on a response's body: 16 MiB. */
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 16 << 20;
    /** What Docker's plugin client accepts. */
    public static final String PLUGIN_ACCEPT = "application/vnd.docker.plugins.v1.2+json";
    /** The media type of what Docker's plugin client sends. */
    public static final String PLUGIN_CONTENT_TYPE = "application/vnd.docker.plugins.v1+json";

    private static final long FIRST_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long MAX_RETRY_NANOS = TimeUnit.SECONDS.toNanos(2);

    /** The socket file, or null for TCP. */
    private final Path socket;
    private final String host;
    private final int port;
    private final Map<String, String> headers;
    private final int maxResponseBytes;

    /** Made at the first request (holder idiom): a JVM that never calls a plugin has no thread. */
    private static final class Loop {
        static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("lnw-http-client", true), EpollIoHandler.newFactory());
    }

    private UnixHttpClient(Path socket, String host, int port, Map<String, String> headers, int maxResponseBytes) {
        this.socket = socket;
        this.host = host;
        this.port = port;
        this.headers = headers;
        this.maxResponseBytes = maxResponseBytes;
    }

    private static Map<String, String> pluginHeaders() {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.put("Host", "plugin");
        h.put("Accept", PLUGIN_ACCEPT);
        h.put("Content-Type", PLUGIN_CONTENT_TYPE);
        return Collections.unmodifiableMap(h);
    }

    /**
     * A client of the server on a unix socket.
     *
     * @param socket the socket file
     * @return the client
     */
    public static UnixHttpClient unix(Path socket) {
        return new UnixHttpClient(Objects.requireNonNull(socket, "socket").toAbsolutePath(), null, 0,
                pluginHeaders(), DEFAULT_MAX_RESPONSE_BYTES);
    }

    /**
     * A client of the server at a TCP address. The name is resolved at each request.
     *
     * @param host a host name or address
     * @param port the port, 1-65535
     * @return the client
     */
    public static UnixHttpClient tcp(String host, int port) {
        if (host == null || host.isEmpty() || port < 1 || port > 65535) {
            throw new InvalidParameterException("invalid TCP address " + host + ":" + port);
        }
        return new UnixHttpClient(null, host, port, pluginHeaders(), DEFAULT_MAX_RESPONSE_BYTES);
    }

    /**
     * A client of the address a Docker plugin spec names: {@code unix:///run/x.sock},
     * {@code tcp://host:port} (or {@code http://host:port}), or a bare absolute path.
     *
     * @param address the address
     * @return the client
     * @throws InvalidParameterException if the address is none of these
     * @throws NotSupportedException     for {@code https://}: TLS to plugins is not supported
     */
    public static UnixHttpClient of(String address) {
        if (address == null || address.isBlank()) {
            throw new InvalidParameterException("no plugin address");
        }
        String a = address.trim();
        if (a.startsWith("/")) {
            return unix(Path.of(a));
        }
        URI u;
        try {
            u = new URI(a);
        } catch (URISyntaxException e) {
            throw new InvalidParameterException("invalid plugin address \"" + address + "\": " + e.getMessage());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        switch (scheme) {
            case "unix" -> {
                if (u.getPath() == null || !u.getPath().startsWith("/")) {
                    throw new InvalidParameterException("invalid plugin address \"" + address + "\": no socket path");
                }
                return unix(Path.of(u.getPath()));
            }
            case "tcp", "http" -> {
                if (u.getHost() == null || u.getPort() < 0) {
                    throw new InvalidParameterException("invalid plugin address \"" + address
                            + "\": host and port wanted");
                }
                return tcp(u.getHost(), u.getPort());
            }
            case "https" -> throw new NotSupportedException("plugin address \"" + address + "\": TLS is not supported");
            default -> throw new InvalidParameterException("invalid plugin address \"" + address
                    + "\": unix://, tcp:// or http:// wanted");
        }
    }

    /**
     * This client with a default header set, changed or (value null) removed.
     *
     * @param name  the header's name, any case
     * @param value its value, or null to send none
     * @return a new client
     */
    public UnixHttpClient withHeader(String name, String value) {
        Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        h.putAll(headers);
        if (value == null) {
            h.remove(name);
        } else {
            h.put(name, value);
        }
        return new UnixHttpClient(socket, host, port, Collections.unmodifiableMap(h), maxResponseBytes);
    }

    /**
     * This client with another limit on a response's body; a longer one is a
     * {@link BadResponseException}.
     *
     * @param bytes the limit, at least 1
     * @return a new client
     */
    public UnixHttpClient withMaxResponseBytes(int bytes) {
        if (bytes < 1) {
            throw new InvalidParameterException("response limit must be positive: " + bytes);
        }
        return new UnixHttpClient(socket, host, port, headers, bytes);
    }

    /**
     * The headers every request carries, unless it says otherwise.
     *
     * @return the headers, names case-insensitive, unmodifiable
     */
    public Map<String, String> headers() {
        return headers;
    }

    /**
     * Where requests go.
     *
     * @return {@code unix:///path} or {@code tcp://host:port}
     */
    public String address() {
        return socket != null ? "unix://" + socket : "tcp://" + host + ":" + port;
    }

    /**
     * A plugin call: {@code POST path} with a JSON body.
     *
     * @param path     e.g. {@code /NetworkDriver.CreateNetwork}
     * @param jsonBody the body, or null for none
     * @param timeout  how long the whole call may take, connecting included
     * @return the response, whatever its status
     * @throws ConnectFailedException    if no connection could be made: nothing was sent
     * @throws ResponseTimeoutException  if no whole response came in time
     * @throws BadResponseException      if what came is no usable HTTP response
     */
    public Response post(String path, byte[] jsonBody, Duration timeout) {
        return request("POST", path, Map.of(), jsonBody, timeout);
    }

    /**
     * A request. Blocks the calling thread, which must not be the clients' event loop.
     *
     * @param method  e.g. {@code GET}
     * @param path    the path and query, from {@code /}
     * @param extra   headers besides (or instead of: a null value removes) the client's own; may
     *                be empty
     * @param body    the body, or null for none
     * @param timeout how long the whole request may take, connecting included
     * @return the response, whatever its status
     * @throws ConnectFailedException    if no connection could be made: nothing was sent
     * @throws ResponseTimeoutException  if no whole response came in time
     * @throws BadResponseException      if what came is no usable HTTP response
     * @throws InvalidParameterException if the path, a header or the timeout is not valid
     * @throws RetryableException        if the calling thread is interrupted (its flag stays set)
     */
    public Response request(String method, String path, Map<String, String> extra, byte[] body, Duration timeout) {
        if (path == null || !path.startsWith("/")) {
            throw new InvalidParameterException("request path must start with /: " + path);
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new InvalidParameterException("timeout must be positive: " + timeout);
        }
        if (!Epoll.isAvailable()) {
            throw new NotSupportedException("cannot call " + address() + ": Netty's epoll transport is unavailable ("
                    + Epoll.unavailabilityCause() + ")");
        }
        EventLoopGroup group = Loop.GROUP;
        if (group.next().inEventLoop()) {
            throw new IllegalStateException("a blocking HTTP request on the HTTP client's event loop");
        }
        String what = method + " " + path + " to " + address();
        long deadline = System.nanoTime() + timeout.toNanos();
        FullHttpRequest req = newRequest(method, path, extra, body);

        SocketAddress to;
        if (socket != null) {
            to = new DomainSocketAddress(socket.toString());
        } else {
            InetSocketAddress resolved = new InetSocketAddress(host, port); // on this thread, not the loop's
            if (resolved.isUnresolved()) {
                req.release();
                throw new ConnectFailedException("connect to " + address() + ": cannot resolve " + host, 0, null);
            }
            to = resolved;
        }
        CompletableFuture<Response> result = new CompletableFuture<>();
        ChannelFuture connect = new Bootstrap()
                .group(group)
                .channel(socket != null ? EpollDomainSocketChannel.class : EpollSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, Math.min(Integer.MAX_VALUE,
                        timeout.toMillis())))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(maxResponseBytes),
                                new Receiver(result, what));
                    }
                })
                .connect(to);
        connect.addListener(f -> {
            if (!f.isSuccess()) {
                req.release();
                result.completeExceptionally(connectFailed(f.cause()));
                return;
            }
            connect.channel().writeAndFlush(req).addListener(w -> {
                if (!w.isSuccess()) {
                    result.completeExceptionally(new BadResponseException(what + ": cannot send the request: "
                            + describe(w.cause()), w.cause()));
                }
            });
        });
        try {
            return result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (!connect.isDone() || !connect.isSuccess()) {
                throw new ConnectFailedException("connect to " + address() + ": no connection within " + timeout, 0,
                        null);
            }
            throw new ResponseTimeoutException(what + ": no response within " + timeout);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof NetworkException ne) {
                throw ne;
            }
            throw new BadResponseException(what + ": " + describe(e.getCause()), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryableException(what + ": interrupted", 0, "HTTP request", "", e);
        } finally {
            connect.cancel(false);
            connect.channel().close();
        }
    }

    /**
     * {@link #request} again and again while it fails to connect, for at most {@code retryFor}
     * (Docker's plugin client does so: a plugin may still be starting). Waits 100 ms between
     * the first tries, twice as long each time, up to 2 s. Only connection failures are tried
     * again: any other failure may come after the request was acted on.
     *
     * @param method   e.g. {@code POST}
     * @param path     the path and query, from {@code /}
     * @param extra    headers besides (or instead of) the client's own
     * @param body     the body, or null for none
     * @param timeout  how long each try may take
     * @param retryFor how long after the first try a failed connect may still be tried again
     * @return the response, whatever its status
     * @throws ConnectFailedException   the last try's, once retryFor has passed
     * @throws ResponseTimeoutException if a try connected but got no response in time
     * @throws BadResponseException     if a try connected but got no usable response
     * @throws RetryableException       if the calling thread is interrupted (its flag stays set)
     */
    public Response requestRetryingConnect(String method, String path, Map<String, String> extra, byte[] body,
            Duration timeout, Duration retryFor) {
        long deadline = System.nanoTime() + retryFor.toNanos();
        long pause = FIRST_RETRY_NANOS;
        while (true) {
            try {
                return request(method, path, extra, body, timeout);
            } catch (ConnectFailedException e) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw e;
                }
                try {
                    TimeUnit.NANOSECONDS.sleep(Math.min(pause, left));
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new RetryableException(method + " " + path + " to " + address() + ": interrupted", 0,
                            "HTTP request", "", ie);
                }
                pause = Math.min(pause * 2, MAX_RETRY_NANOS);
            }
        }
    }

    private FullHttpRequest newRequest(String method, String path, Map<String, String> extra, byte[] body) {
        byte[] b = body == null ? new byte[0] : body;
        HttpMethod m;
        try {
            m = HttpMethod.valueOf(method);
        } catch (RuntimeException e) {
            throw new InvalidParameterException("invalid HTTP method \"" + method + "\"");
        }
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, m, path, Unpooled.wrappedBuffer(b));
        try {
            TreeMap<String, String> merged = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            merged.putAll(headers);
            if (extra != null) {
                extra.forEach((k, v) -> {
                    if (v == null) {
                        merged.remove(k);
                    } else {
                        merged.put(k, v);
                    }
                });
            }
            merged.forEach((k, v) -> req.headers().set(k, v));
            // one request per connection: the server may close as soon as it has answered
            req.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            req.headers().set(HttpHeaderNames.CONTENT_LENGTH, b.length);
            return req;
        } catch (IllegalArgumentException e) {
            req.release();
            throw new InvalidParameterException("invalid header for " + method + " " + path + ": " + e.getMessage());
        }
    }

    private ConnectFailedException connectFailed(Throwable cause) {
        int errno = 0;
        String why = describe(cause);
        if (cause instanceof Errors.NativeIoException n) {
            errno = -n.expectedErr();
        } else if (cause instanceof FileNotFoundException) {
            errno = 2; // ENOENT: Netty says no more
            why = "no such socket";
        } else if (cause instanceof ConnectTimeoutException) {
            errno = 110; // ETIMEDOUT
        }
        return new ConnectFailedException("connect to " + address() + ": " + why, errno, cause);
    }

    private static String describe(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    /** Completes the caller's future with the response, or with why there is none; on the loop. */
    private static final class Receiver extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Response> result;
        private final String what;

        Receiver(CompletableFuture<Response> result, String what) {
            this.result = result;
            this.what = what;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (!(msg instanceof FullHttpResponse r)) {
                    return;
                }
                if (!r.decoderResult().isSuccess()) {
                    result.completeExceptionally(new BadResponseException(what + ": not an HTTP response: "
                            + describe(r.decoderResult().cause()), r.decoderResult().cause()));
                    ctx.close();
                    return;
                }
                if (r.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                    return; // a 100 Continue nobody asked for; the real answer follows
                }
                Map<String, String> h = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
                for (Map.Entry<String, String> e : r.headers()) {
                    h.merge(e.getKey(), e.getValue(), (a, b) -> a + ", " + b);
                }
                List<String> types = r.headers().getAll(HttpHeaderNames.CONTENT_TYPE);
                result.complete(new Response(r.status().code(), types.isEmpty() ? null : types.get(0), h,
                        ByteBufUtil.getBytes(r.content()), null));
                ctx.close();
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.completeExceptionally(new BadResponseException(what + ": " + describe(cause), cause));
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.completeExceptionally(new BadResponseException(what
                    + ": the connection closed before a whole response", null));
            ctx.fireChannelInactive();
        }
    }
}
