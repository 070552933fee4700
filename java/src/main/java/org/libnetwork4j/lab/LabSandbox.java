package org.libnetwork4j.lab;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

import org.libnetwork4j.Endpoint;
import org.libnetwork4j.EndpointInfo;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.kernel.Netns;

/**
 * A sandbox of a lab host, with what a Java test needs around it: Java code run inside its
 * network namespace ({@link #call}, {@link #executor}) and commands run there ({@link #exec}).
 * Thread-safe.
 */
public final class LabSandbox implements Node {
    private final String name;
    private final LabHost host;
    private final Sandbox sandbox;
    private SandboxExecutor executor; // made on first use: a thread costs nothing until asked for

    LabSandbox(String name, LabHost host, Sandbox sandbox) {
        this.name = name;
        this.host = host;
        this.sandbox = sandbox;
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * The lab host it is on.
     *
     * @return the host whose controller made the sandbox
     */
    public LabHost host() {
        return host;
    }

    /**
     * The controller's sandbox: join more endpoints, read its files, and so on.
     *
     * @return the {@link Sandbox} this lab sandbox wraps
     */
    public Sandbox sandbox() {
        return sandbox;
    }

    @Override
    public Path namespace() {
        return Path.of(sandbox.key());
    }

    @Override
    public List<InetAddress> addresses() {
        List<InetAddress> all = new ArrayList<>();
        for (Endpoint e : sandbox.endpoints()) {
            EndpointInfo i = e.info();
            if (i.ipv4() != null) {
                all.add(i.ipv4().address());
            }
            if (i.ipv6() != null) {
                all.add(i.ipv6().address());
            }
        }
        return all;
    }

    /**
     * Its first IPv4 address: what another sandbox connects to.
     *
     * @return the IPv4 address of the first of its endpoints that has one
     * @throws IllegalStateException if it has no IPv4 address
     */
    public InetAddress address() {
        return addresses().stream().filter(a -> a instanceof java.net.Inet4Address).findFirst()
                .orElseThrow(() -> new IllegalStateException("sandbox " + name + " has no IPv4 address"));
    }

    /**
     * Its address as a string, for URLs and commands.
     *
     * @return {@link #address()} in dotted-decimal form
     * @throws IllegalStateException if it has no IPv4 address
     */
    public String ip() {
        return address().getHostAddress();
    }

    /**
     * Runs task on this sandbox's own thread, inside its network namespace, and returns what
     * it returned: a {@link java.net.ServerSocket} opened there listens in the sandbox, a
     * {@link java.net.Socket} connects from it. What the task throws is thrown here as it was.
     *
     * <p>Threads the task starts are born in the namespace too (an HTTP server's dispatcher,
     * say): stop them before the lab ends, or {@link Lab#close()} reports them. Some start
     * unasked: {@code HttpURLConnection} starts its keep-alive timer from the thread that
     * first leaves a connection idle (have the server answer {@code Connection: close}).
     * Sockets opened here may be used from any thread afterwards: only where a socket is
     * opened decides its namespace. Name lookups
     * through {@link InetAddress} use the JVM's resolver, not the sandbox's resolv.conf: use
     * addresses, or {@link #exec}.
     *
     * <p>Called on the sandbox's own thread (from a task), it runs task at once; called from
     * any other thread, it queues task behind the tasks given before and waits for it.
     *
     * @param <T>  the type of what task returns
     * @param task the code to run in the sandbox
     * @return what task returned
     * @throws Exception what task threw; or InterruptedException if the calling thread is
     *         interrupted while it waits (the task is then cancelled, with an interrupt if it
     *         runs); IllegalStateException when called from another thread inside a lab
     *         namespace, or if the lab stopped the thread before the task ran; and once the
     *         lab is closed, IllegalStateException if the thread was never started, else
     *         {@link java.util.concurrent.RejectedExecutionException}
     */
    public <T> T call(Callable<T> task) throws Exception {
        SandboxExecutor ex = ownExecutor();
        if (ex.isOwnThread()) {
            return task.call();
        }
        // from another sandbox's thread this would wait on a thread that may be waiting on us
        host.lab().refuseInsideNamespace("call " + this);
        Future<T> f = ex.submit(task);
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception x) {
                throw x;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw e;
        } catch (java.util.concurrent.CancellationException e) {
            throw new IllegalStateException("the lab stopped the thread of " + this + " before the task ran", e);
        } catch (InterruptedException e) {
            f.cancel(true);
            throw e;
        }
    }

    /**
     * The executor whose one platform thread lives in this sandbox's network namespace (the
     * same thread {@link #call} uses). It lives as long as the lab: shutting it down is
     * refused. A task that waits on another task of the same executor waits for ever.
     *
     * @return the executor, made and its thread started on the first call here or to
     *         {@link #call}
     * @throws IllegalStateException if the thread is not started yet and the lab is closed or
     *         the caller is a thread inside a lab namespace
     */
    public ExecutorService executor() {
        return ownExecutor();
    }

    private SandboxExecutor ownExecutor() {
        synchronized (this) {
            if (executor != null) {
                return executor;
            }
        }
        host.lab().checkCaller("start the thread of " + this);
        synchronized (this) {
            if (executor == null) {
                try (Netns ns = Netns.open(namespace())) {
                    executor = new SandboxExecutor(ns, "lnwlab-" + host.name() + "-" + name, toString());
                }
            }
            return executor;
        }
    }

    /**
     * Runs command in this sandbox, as a runtime would start a process in it: in its network
     * namespace, with its resolv.conf and hosts file mounted over /etc's (in a private mount
     * namespace of the process), so that names resolve through the sandbox's resolver. Waits
     * at most 30 s.
     *
     * @param command the program and its arguments
     * @return its exit status and output
     * @throws IllegalStateException when called from inside {@link #call} (from any thread in a
     *         lab namespace): the JDK would start its process-reaper thread from the calling
     *         thread, inside the namespace; also if it did not end within 30 s (it is killed then)
     * @throws java.io.UncheckedIOException if it could not be started
     */
    public ExecResult exec(String... command) {
        Objects.requireNonNull(command, "command");
        host.lab().refuseInsideNamespace("exec in " + this);
        List<String> argv = new ArrayList<>(List.of("nsenter", "--net=" + namespace(),
                "unshare", "--mount", "--propagation", "private", "sh", "-c",
                "mount --bind \"$0\" /etc/resolv.conf && mount --bind \"$1\" /etc/hosts && shift && exec \"$@\"",
                sandbox.resolvConfPath().toString(), sandbox.hostsPath().toString()));
        argv.addAll(List.of(command));
        return Exec.run(argv, List.of(command));
    }

    /** Stops the dedicated thread, waiting up to timeout (twice: then with an interrupt); true if it ended. */
    boolean stopThread(java.time.Duration timeout) throws InterruptedException {
        SandboxExecutor ex;
        synchronized (this) {
            ex = executor; // waited for outside the lock: the task running may call back in
        }
        if (ex == null) {
            return true;
        }
        ex.stop(false);
        if (ex.awaitTermination(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            return true;
        }
        ex.stop(true);
        return ex.awaitTermination(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    synchronized Thread dedicatedThread() {
        return executor == null ? null : executor.thread();
    }

    @Override
    public String toString() {
        return "sandbox " + name + " on " + host.name();
    }
}
