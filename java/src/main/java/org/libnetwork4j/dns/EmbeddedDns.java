package org.libnetwork4j.dns;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.kernel.ServiceSockets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * The controller's DNS resolver: one listener per served network, on the network's gateway
 * address(es), port 53, UDP and TCP, all served by one event loop thread (aardvark-dns's
 * layout rather than Docker's 127.0.0.11 in every sandbox). A bridge's gateways are in the
 * host namespace; an overlay network's are in its own namespace on each host, where the
 * listeners are made once that namespace exists.
 *
 * <p><b>Why on the gateway.</b> A listener per network costs two sockets whatever the number
 * of containers, and a join costs nothing but a map update: Docker's layout costs a socket
 * pair and an nftables table inside every sandbox, made at each join (tens of microseconds
 * and several descriptors per container). The price is that a container's resolv.conf names
 * its networks' gateways, so it is rewritten when the set of networks changes, and the
 * scoping by source address must be exact: the listener of network N answers only sources
 * that are joined endpoints of N (an outsider, or a container of another network, gets
 * nothing; the firewall already drops what reaches a gateway from outside the host).
 *
 * <p><b>Sockets in namespaces.</b> The sockets are made by the C core inside the host's (or
 * the overlay network's; for a forward, the asking sandbox's) namespace and handed to the
 * event loop (the listeners as Netty's epoll channels, a forward's as a bare epoll handle,
 * {@link UpstreamQuery}): no JVM thread enters a namespace.
 *
 * <p><b>Forwarding.</b> Names not in scope go to the sandbox's upstreams in order, each
 * within {@link #FORWARD_TIMEOUT_MILLIS}; SERVFAIL, REFUSED or a timeout move on to the next.
 * A loopback upstream (the host's 127.0.0.53, say) is dialled from the host's namespace, any
 * other from the sandbox's, so that the container's own routes and firewall apply. Each
 * forward uses a fresh socket (a random source port per query), made ahead of time off the
 * loop ({@link ForwardSockets}) and connected to the upstream it asks. At most
 * {@link #MAX_FORWARDS} are in flight, and at most {@link #MAX_FORWARDS_PER_SANDBOX} for one
 * sandbox, so that one container flooding unknown names leaves room for the others.
 *
 * <p><b>Waiting.</b> After a batch of queries, the loop polls its sockets for a short while
 * before it sleeps ({@link SpinAfterActivity}): a query that follows soon finds it awake, which
 * took a name's round trip from ~70 to ~25 us at the median on a virtual machine.
 */
public final class EmbeddedDns implements NameService {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDns.class);

    static final int PORT = 53;
    /** The owner of the host namespace's forward sockets (sandbox ids are hex). */
    private static final String HOST = "host";
    static final int MAX_FORWARDS = 1024;
    static final int MAX_FORWARDS_PER_SANDBOX = 128;
    static final int MAX_UPSTREAMS = 3;
    static final int MAX_TCP_CONNECTIONS = 256;
    /** How long one upstream gets: three of them fit in the 5 s a C library client waits. */
    static final int FORWARD_TIMEOUT_MILLIS = Integer.getInteger("lnw.dns.forwardTimeoutMillis", 1500);
    /** A TCP client gets this long in all, then its connection is closed. */
    static final long TCP_CONNECTION_MILLIS = 10_000;

    private final Netns host;
    private final Names names = new Names();
    private final Resolver resolver = new Resolver(names);
    private final SpinAfterActivity spin = SpinAfterActivity.fromProperty(); // the loop's thread's
    private final EventLoopGroup loop;
    /** The loop's one thread, where forwards register their sockets. */
    private final IoEventLoop ioLoop;
    /** Where the loop's thread writes forwarded queries and reads upstreams' answers. */
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(65536);
    private final ExecutorService dialer;
    private final Map<String, List<Channel>> listeners = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> perSandbox = new ConcurrentHashMap<>();
    private final ForwardSockets forwardSockets;
    private final AtomicInteger forwards = new AtomicInteger();
    private final AtomicInteger tcpConnections = new AtomicInteger();
    private volatile boolean closed;
    /** Listeners registered while held, which read nothing until {@link #release}. */
    private final List<Channel> held = new ArrayList<>(); // guarded by itself
    private boolean holding; // guarded by held

    private EmbeddedDns(Netns host) {
        this.host = host;
        this.loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("lnw-dns", true),
                EpollIoHandler.newFactory(0, () -> spin));
        this.ioLoop = (IoEventLoop) loop.next();
        // TCP forwards connect with a blocking call (bounded by the forward timeout): never on
        // the event loop. They are rare (an upstream's truncated answer, asked again over TCP).
        ThreadPoolExecutor d = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(256),
                new DefaultThreadFactory("lnw-dns-dial", true));
        d.allowCoreThreadTimeOut(true);
        this.dialer = d;
        this.forwardSockets = new ForwardSockets(d,
                owner -> !closed && (owner.equals(HOST) || names.sandbox(owner) != null));
    }

    /**
     * A resolver serving from host (borrowed: it must stay open as long as this). Where
     * Netty's epoll transport cannot load, says why once and returns {@link NameService#none}:
     * the networks then keep the host's nameservers.
     *
     * @param host the host namespace, where the listeners are made
     * @return the resolver, serving no network yet; or {@link NameService#none}
     */
    public static NameService open(Netns host) {
        if (!Epoll.isAvailable()) {
            LOG.warn("no embedded DNS: Netty's epoll transport is unavailable ({}); containers keep the host's"
                    + " nameservers", String.valueOf(Epoll.unavailabilityCause()));
            return NameService.none();
        }
        return new EmbeddedDns(host);
    }

    // ---- what the controller tells it ----

    @Override
    public void addNetwork(String id, String name, boolean internal) {
        removeNetwork(id);
        if (!closed) {
            names.addNetwork(id, name, internal);
        }
    }

    @Override
    public List<InetAddress> listen(String id, Netns namespace, List<InetAddress> addresses) {
        List<Channel> before = listeners.remove(id);
        if (before != null) { // closed first: the new ones may want the same address and port
            before.forEach(EmbeddedDns::closeNow);
        }
        Names.Net net = names.network(id);
        if (closed || addresses.isEmpty() || net == null) {
            return List.of();
        }
        List<Channel> opened = new ArrayList<>();
        try {
            for (InetAddress a : addresses) {
                // both in one entry into the namespace, and registered with the loop before
                // either is waited for: on a host that is not the JVM's own namespace, each
                // socket alone cost a thread, and each registration a wake-up of the loop
                // waited out in turn; half of a network's create when its listeners opened
                // there, a network's first join now (benchmarks/RESULTS.md)
                int[] fds = ServiceSockets.udpAndTcp(namespace, a, PORT, 128);
                Channel udp;
                Channel tcp;
                try {
                    udp = listener(fds[0]);
                } catch (RuntimeException e) {
                    ServiceSockets.close(fds[0]);
                    ServiceSockets.close(fds[1]);
                    throw e;
                }
                try {
                    tcp = new EpollServerSocketChannel(fds[1]);
                } catch (RuntimeException e) {
                    udp.unsafe().closeForcibly(); // not registered: its fd closed here
                    ServiceSockets.close(fds[1]);
                    throw e;
                }
                register(List.of(udp, tcp), List.of(new UdpQueries(id), new TcpAcceptor(id)), opened);
            }
        } catch (RuntimeException e) {
            opened.forEach(EmbeddedDns::closeNow);
            LOG.warn("no embedded DNS listener for network {}: {}; its containers keep the host's nameservers",
                    net.name, e.getMessage());
            return List.of();
        }
        listeners.put(id, opened);
        return List.copyOf(addresses);
    }

    @Override
    public void hold() {
        synchronized (held) {
            holding = true;
        }
    }

    @Override
    public void release() {
        List<Channel> waiting;
        synchronized (held) {
            holding = false;
            waiting = List.copyOf(held);
            held.clear();
        }
        for (Channel ch : waiting) {
            if (ch.isOpen()) { // not one whose network went meanwhile
                ch.config().setAutoRead(true);
            }
        }
    }

    @Override
    public void removeNetwork(String id) {
        List<Channel> l = listeners.remove(id);
        if (l != null) {
            // closed before this returns: the network's address and port are free again at once
            l.forEach(EmbeddedDns::closeNow);
        }
        names.removeNetwork(id);
    }

    @Override
    public void addSandbox(String id, List<InetSocketAddress> upstreams, boolean ndotsSet, Netns namespace) {
        names.addSandbox(id, upstreams.size() > MAX_UPSTREAMS ? upstreams.subList(0, MAX_UPSTREAMS) : upstreams,
                ndotsSet, namespace);
    }

    @Override
    public void removeSandbox(String id) {
        names.removeSandbox(id);
        forwardSockets.drop(id); // after: a spare made meanwhile sees the sandbox gone
        perSandbox.remove(id);
    }

    @Override
    public void join(String networkId, String endpointId, String sandboxId, List<String> n, InetAddress ipv4,
            InetAddress ipv6) {
        names.join(networkId, endpointId, sandboxId, n, ipv4, ipv6);
    }

    @Override
    public void leave(String networkId, String endpointId) {
        names.leave(networkId, endpointId);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (String id : List.copyOf(listeners.keySet())) {
            removeNetwork(id);
        }
        dialer.shutdownNow();
        forwardSockets.close();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    // ---- serving ----

    /**
     * A UDP listener on fd that reads up to 16 queries per system call (recvmmsg), each of at
     * most {@link Resolver#MAX_UDP} bytes: a longer one arrives cut short, does not parse, and
     * gets no answer.
     */
    private static EpollDatagramChannel listener(int fd) {
        EpollDatagramChannel ch = new EpollDatagramChannel(fd);
        ch.config().setMaxDatagramPayloadSize(Resolver.MAX_UDP);
        ch.config().setRecvByteBufAllocator(new io.netty.channel.FixedRecvByteBufAllocator(Resolver.MAX_UDP * 16));
        return ch;
    }

    /**
     * Registers channels that adopted fds, each with its handler, all before waiting for any;
     * those registered go to opened. If one fails, every channel of the call is closed (with
     * its fd), opened keeps none of them, and this throws.
     */
    private void register(List<Channel> channels, List<io.netty.channel.ChannelHandler> handlers,
            List<Channel> opened) {
        boolean paused;
        synchronized (held) {
            paused = holding;
        }
        List<io.netty.channel.ChannelFuture> registered = new ArrayList<>(channels.size());
        Throwable failed = null;
        try {
            for (int i = 0; i < channels.size(); i++) {
                Channel ch = channels.get(i);
                ch.pipeline().addLast(handlers.get(i));
                if (paused) {
                    ch.config().setAutoRead(false); // before the loop registers it: not one read or accept
                }
                registered.add(loop.register(ch));
            }
        } catch (RuntimeException e) { // a handler or the loop refused: closed below, taken or not
            failed = e;
        }
        for (io.netty.channel.ChannelFuture f : registered) {
            if (!f.awaitUninterruptibly().isSuccess() && failed == null) {
                failed = f.cause();
            }
        }
        if (failed != null) {
            for (Channel ch : channels) {
                if (ch.isRegistered()) {
                    closeNow(ch);
                } else {
                    // no loop to close it through (close() would throw, the fd left open);
                    // one whose registration failed was closed so already, and its fd once
                    ch.unsafe().closeForcibly();
                }
            }
            throw new IllegalStateException("register " + channels + ": " + failed);
        }
        if (paused) {
            // listed only once registered (release reads from them then); released meanwhile: read now
            synchronized (held) {
                paused = holding;
                if (paused) {
                    held.addAll(channels);
                }
            }
            if (!paused) {
                channels.forEach(ch -> ch.config().setAutoRead(true));
            }
        }
        opened.addAll(channels);
    }

    private static void closeNow(Channel ch) {
        ch.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    /** Queries over UDP to one network's listener. */
    private final class UdpQueries extends SimpleChannelInboundHandler<DatagramPacket> {
        private final String networkId;

        UdpQueries(String networkId) {
            this.networkId = networkId;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
            InetSocketAddress from = p.sender();
            byte[] wire = ByteBufUtil.getBytes(p.content());
            Resolver.Outcome o = resolver.answer(networkId, from.getAddress(), wire, false);
            if (o instanceof Resolver.Reply r) {
                // Straight into a direct buffer: a heap one would be copied into one anyway
                // before the send. No promise per answer: nobody waits for one; a failed send
                // reaches exceptionCaught.
                ByteBuf b = ctx.alloc().directBuffer(r.wire().length).writeBytes(r.wire());
                ctx.write(new DatagramPacket(b, from), ctx.voidPromise());
            } else if (o instanceof Resolver.Forward f) { // only now the callback, not per query
                startForward(f, wire, false,
                        answer -> ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(answer), from)));
            }
        }

        /**
         * The answers to one wake-up's queries (recvmmsg takes up to 16) go out together, in
         * one sendmmsg: under load, the send syscall is what the event loop spends most on.
         */
        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
            spin.queriesRead(); // the asker's next query is likely a few tens of microseconds away
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("dns udp {}: {}", networkId, cause.toString()); // one bad datagram; the socket serves on
            ctx.flush(); // the answers already written to this wake-up's other queries
        }
    }

    /** Accepts TCP connections on one network's listener. */
    private final class TcpAcceptor extends ChannelInboundHandlerAdapter {
        private final String networkId;

        TcpAcceptor(String networkId) {
            this.networkId = networkId;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel child = (Channel) msg;
            if (tcpConnections.incrementAndGet() > MAX_TCP_CONNECTIONS) {
                tcpConnections.decrementAndGet();
                child.unsafe().closeForcibly();
                return;
            }
            child.closeFuture().addListener(f -> tcpConnections.decrementAndGet());
            child.pipeline().addLast(frames(), new TcpQueries(networkId));
            loop.register(child).addListener(f -> {
                if (f.isSuccess()) {
                    ScheduledFuture<?> deadline = child.eventLoop().schedule(() -> child.close(),
                            TCP_CONNECTION_MILLIS, TimeUnit.MILLISECONDS);
                    child.closeFuture().addListener(c -> deadline.cancel(false));
                } else {
                    child.unsafe().closeForcibly();
                }
            });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("dns tcp accept {}: {}", networkId, cause.toString());
        }
    }

    /** DNS over TCP: each message is preceded by its length, two bytes (RFC 1035 4.2.2). */
    private static LengthFieldBasedFrameDecoder frames() {
        return new LengthFieldBasedFrameDecoder(Resolver.MAX_TCP + 2, 0, 2, 0, 2);
    }

    private static ByteBuf framed(byte[] message) {
        ByteBuf b = Unpooled.buffer(message.length + 2);
        b.writeShort(message.length);
        b.writeBytes(message);
        return b;
    }

    /** Queries on one accepted TCP connection. */
    private final class TcpQueries extends SimpleChannelInboundHandler<ByteBuf> {
        private final String networkId;

        TcpQueries(String networkId) {
            this.networkId = networkId;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
            InetSocketAddress from = (InetSocketAddress) ctx.channel().remoteAddress();
            Consumer<byte[]> send = answer -> {
                if (ctx.channel().isActive()) {
                    ctx.writeAndFlush(framed(answer));
                }
            };
            byte[] now = handle(networkId, from.getAddress(), ByteBufUtil.getBytes(frame), true, send);
            if (now != null) {
                send.accept(now);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // a frame too long, a reset: this connection only
        }
    }

    /**
     * The answer to send now; or null: nothing to say, or a forward, whose answer goes through
     * later when it comes.
     */
    private byte[] handle(String networkId, InetAddress source, byte[] wire, boolean tcp,
            Consumer<byte[]> later) {
        Resolver.Outcome o = resolver.answer(networkId, source, wire, tcp);
        if (o instanceof Resolver.Reply r) {
            return r.wire();
        }
        if (o instanceof Resolver.Forward f) {
            startForward(f, wire, tcp, later);
        }
        return null;
    }

    // ---- forwarding ----

    private void startForward(Resolver.Forward f, byte[] wire, boolean tcp, Consumer<byte[]> respond) {
        AtomicInteger mine = perSandbox.computeIfAbsent(f.sandbox().id, k -> new AtomicInteger());
        if (forwards.incrementAndGet() > MAX_FORWARDS | mine.incrementAndGet() > MAX_FORWARDS_PER_SANDBOX) {
            forwards.decrementAndGet();
            mine.decrementAndGet();
            respond.accept(Resolver.reply(f.query(), Rcode.SERVFAIL, List.of(), f.maxSize(), false).wire());
            return;
        }
        new Attempts(f, wire, tcp, respond, () -> {
            forwards.decrementAndGet();
            mine.decrementAndGet();
        }).next();
    }

    /**
     * One forwarded query, tried on each upstream in turn. Each attempt has one deadline,
     * {@link #FORWARD_TIMEOUT_MILLIS} from its start, whatever it waits for: a socket being
     * made in a namespace, a TCP connection, the answer. Its state changes on the event loop
     * only (a socket made or a connection dialled on a dialer thread, which blocks, is handed
     * back to the loop, and dropped there if its attempt is over by then).
     */
    private final class Attempts {
        private final Resolver.Forward f;
        private final byte[] wire;
        private final boolean tcp;
        private final Consumer<byte[]> respond;
        private final Runnable release;
        private int index = -1;
        private boolean finished;
        private ScheduledFuture<?> deadline; // the current attempt's
        private Runnable abandon = () -> { }; // drops the current attempt's socket or connection

        Attempts(Resolver.Forward f, byte[] wire, boolean tcp, Consumer<byte[]> respond,
                Runnable release) {
            this.f = f;
            this.wire = wire;
            this.tcp = tcp;
            this.respond = respond;
            this.release = release;
        }

        void next() {
            endAttempt();
            List<InetSocketAddress> ups = f.sandbox().upstreams;
            while (++index < ups.size()) {
                InetSocketAddress up = ups.get(index);
                boolean fromHost = up.getAddress().isLoopbackAddress();
                Netns from = fromHost ? host : f.sandbox().namespace;
                if (from == null || closed) {
                    continue;
                }
                int attempt = index;
                deadline = loop.schedule(() -> failed(attempt), FORWARD_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                try {
                    boolean ipv6 = up.getAddress() instanceof Inet6Address;
                    String owner = fromHost ? HOST : f.sandbox().id;
                    int spare;
                    if (tcp) {
                        dialTcp(from, up, attempt);
                    } else if ((spare = forwardSockets.take(owner, from, ipv6)) >= 0) {
                        sendUdp(spare, up, attempt);
                    } else {
                        sendUdpFromNewSocket(owner, from, ipv6, up, attempt);
                    }
                    return;
                } catch (RuntimeException e) {
                    endAttempt();
                    LOG.debug("dns forward to {}: {}", up, e.getMessage()); // this upstream is out: the next
                }
            }
            finish(Resolver.reply(f.query(), Rcode.SERVFAIL, List.of(), f.maxSize(), false).wire());
        }

        /** The current attempt is over: its deadline goes, and its socket or connection. */
        private void endAttempt() {
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
            Runnable drop = abandon;
            abandon = () -> { };
            drop.run();
        }

        /** Whether attempt is the one under way: a socket or connection of another is late. */
        private boolean current(int attempt) {
            return !finished && attempt == index;
        }

        /**
         * With no spare socket (an owner's first forward, or a flood that uses them up faster
         * than they are made), one is made on a dialer thread, with spares for the next
         * forwards in the same entry into the namespace: entering takes milliseconds on a busy
         * machine, and the loop, which answers every other query, must not wait for it.
         */
        private void sendUdpFromNewSocket(String owner, Netns from, boolean ipv6, InetSocketAddress up,
                int attempt) {
            try {
                dialer.execute(() -> {
                    int fd;
                    try {
                        fd = forwardSockets.make(owner, from, ipv6);
                    } catch (RuntimeException e) {
                        loop.execute(() -> failed(attempt));
                        return;
                    }
                    try {
                        loop.execute(() -> {
                            if (!current(attempt)) { // its deadline has moved this query on
                                ServiceSockets.close(fd);
                                return;
                            }
                            try {
                                sendUdp(fd, up, attempt);
                            } catch (RuntimeException e) { // no route from there, say: the fd is closed
                                LOG.debug("dns forward to {}: {}", up, e.getMessage());
                                failed(attempt);
                            }
                        });
                    } catch (RejectedExecutionException closing) {
                        ServiceSockets.close(fd);
                    }
                });
            } catch (RejectedExecutionException busy) {
                throw new IllegalStateException("too many forward sockets waiting to be made");
            }
        }

        private void sendUdp(int fd, InetSocketAddress up, int attempt) {
            UpstreamQuery q = UpstreamQuery.send(ioLoop, fd, up, wire, scratch, new UpstreamQuery.Listener() {
                @Override
                public boolean answer(byte[] answer) {
                    return received(attempt, answer);
                }

                @Override
                public void failed() {
                    Attempts.this.failed(attempt);
                }
            });
            abandon = q::cancel;
        }

        /**
         * Dials on a dialer thread, within what is left of the attempt's time when the thread
         * takes it up (it may have queued behind other dials): a dial to an upstream that
         * drops packets holds the thread no longer than its attempt lasts.
         */
        private void dialTcp(Netns from, InetSocketAddress up, int attempt) {
            ScheduledFuture<?> until = deadline; // read on the dialer: its delay is the time left
            try {
                dialer.execute(() -> {
                    long left = until.getDelay(TimeUnit.MILLISECONDS);
                    if (left <= 0) {
                        return; // the attempt's deadline has moved the query on already
                    }
                    int fd;
                    try {
                        fd = ServiceSockets.tcpConnect(from, up, (int) left);
                    } catch (RuntimeException e) {
                        loop.execute(() -> failed(attempt));
                        return;
                    }
                    EpollSocketChannel ch = new EpollSocketChannel(fd);
                    ch.pipeline().addLast(frames());
                    ask(ch, attempt, new SimpleChannelInboundHandler<ByteBuf>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
                            if (received(attempt, ByteBufUtil.getBytes(frame))) {
                                ch.close();
                            }
                        }
                    }, framed(wire));
                });
            } catch (RejectedExecutionException busy) {
                throw new IllegalStateException("too many TCP forwards waiting");
            }
        }

        /**
         * Registers ch, a TCP connection to an upstream whose answers reader hands to received,
         * and sends it the query, unless its attempt is over by then; an error on it (a reset,
         * say), its end, or a failed registration moves on to the next upstream at once. (UDP
         * forwards are {@link UpstreamQuery}s.)
         */
        private void ask(Channel ch, int attempt, io.netty.channel.ChannelInboundHandler reader, Object query) {
            ch.pipeline().addLast(reader, new ChannelInboundHandlerAdapter() {
                @Override
                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                    ch.close(); // and its end moves the query on
                }

                @Override
                public void channelInactive(ChannelHandlerContext ctx) {
                    // however it ended with no answer (an answer has ended the attempt already)
                    failed(attempt);
                }
            });
            loop.register(ch).addListener(r -> {
                if (!r.isSuccess()) {
                    ch.unsafe().closeForcibly();
                    failed(attempt);
                    return;
                }
                if (!current(attempt)) { // dialled after its deadline
                    ch.close();
                    return;
                }
                abandon = ch::close;
                ch.writeAndFlush(query).addListener(w -> {
                    if (!w.isSuccess()) { // no route to it from there, say: the next one, now
                        ch.close();
                    }
                });
            });
        }

        /**
         * An upstream's datagram for this query's attempt; true if it ends that attempt's wait
         * (the answer, or one that came too late to matter), false to keep waiting (not the
         * answer to this query: spoofed, or late from an earlier one).
         */
        private boolean received(int attempt, byte[] answer) {
            if (!current(attempt)) {
                return true;
            }
            // Parsed whole, not only its header and question: an answer whose records do not
            // parse is never handed on to a container (Docker's resolver unpacks it too).
            Message m;
            try {
                m = new Message(answer);
            } catch (java.io.IOException | RuntimeException garbage) {
                return false; // not an answer: keep waiting for one until the timeout
            }
            if (m.getHeader().getID() != f.query().getHeader().getID() || !m.getHeader().getFlag(Flags.QR)
                    || m.getQuestion() == null || !m.getQuestion().equals(f.query().getQuestion())) {
                return false; // not the answer to this query (late from an earlier one): keep waiting
            }
            int rcode = m.getRcode();
            if (rcode == Rcode.SERVFAIL || rcode == Rcode.REFUSED) {
                next();
                return true;
            }
            finish(answer.length <= f.maxSize() ? answer : m.toWire(f.maxSize()));
            return true;
        }

        private void failed(int attempt) {
            if (current(attempt)) {
                next();
            }
        }

        private void finish(byte[] answer) {
            if (finished) {
                return;
            }
            finished = true;
            endAttempt();
            release.run();
            respond.accept(answer);
        }
    }
}
