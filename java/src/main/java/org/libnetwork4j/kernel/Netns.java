package org.libnetwork4j.kernel;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.internal.jni.LnwErr;
import org.libnetwork4j.internal.jni.LnwNative;

/**
 * A network namespace, held open by an fd (or, named, referred to by its path: {@link #byPath}). Anonymous ({@link #create()}) or named: bind-mounted
 * under a run directory the caller chooses ({@link #createAt}), like {@code ip netns add} but
 * never in /run/netns unless asked. The JVM's own threads never enter it: work inside it runs
 * on short-lived native threads (see native/src/ns_thread.c). The one exception is a lab
 * sandbox's dedicated thread ({@link NamespaceThread}), which enters once and dies there.
 *
 * <p>Closing releases the fd only; a named namespace lives on until {@link #delete()}.
 * Closing twice is harmless. Thread-safe.
 */
public final class Netns implements AutoCloseable {
    static {
        NativeLoader.ensureLoaded();
    }

    /** The namespace file of the calling thread (only a {@link NamespaceThread} ever changes its own). */
    private static final String THREAD_NETNS = "/proc/thread-self/ns/net";

    private final NativeHandle fd; // null when referred to by path alone (byPath)
    private final Path path;
    private final NsId id;
    private volatile boolean released; // for one referred to by path: closed

    private Netns(int fd, Path path) {
        this.fd = new NativeHandle(path == null ? "namespace fd " + fd : "namespace " + path, fd);
        this.path = path;
        this.id = identify(fd, path);
    }

    private Netns(Path path, NsId id) {
        this.fd = null;
        this.path = path;
        this.id = id;
    }

    /**
     * This named namespace, referred to by its path alone: it holds no descriptor, and each
     * use opens the path for the length of the call (a few microseconds) and checks that the
     * mount there is still this namespace. What a process that holds thousands of idle
     * namespaces (a controller's sandboxes) keeps, under its limit of descriptors.
     *
     * @return a new handle on the same path and namespace, which holds no fd and is closed
     *         independently of this one
     * @throws IllegalStateException for an anonymous namespace, which only its fd keeps
     */
    public Netns byPath() {
        if (path == null) {
            throw new IllegalStateException("an anonymous namespace has no path to refer to it by");
        }
        return new Netns(path, id);
    }

    /**
     * A new anonymous namespace (`unshare --net`): it lives as long as this fd.
     *
     * @return a handle holding the only fd of the new namespace
     * @throws org.libnetwork4j.PermissionDeniedException without CAP_SYS_ADMIN
     */
    public static Netns create() {
        return create(Map.of());
    }

    /**
     * A new anonymous namespace with sysctls (keys as for {@link Sysctl#write}) written in it
     * by the thread that creates it, before anyone else can see it. Defaults for interfaces
     * created later ({@code net/ipv6/conf/default/...}) cost nothing extra this way.
     *
     * @param sysctls keys to values (a value at most 63 bytes), written in the map's iteration
     *                order; empty for none
     * @return a handle holding the only fd of the new namespace
     * @throws NotFoundException if a key does not exist in the new namespace
     * @throws InvalidParameterException if a key is malformed, a value too long, or the kernel
     *         refuses a value
     * @throws org.libnetwork4j.PermissionDeniedException without CAP_SYS_ADMIN
     */
    public static Netns create(Map<String, String> sysctls) {
        LnwErr err = new LnwErr();
        int fd = LnwNative.lnw_netns_create(lines(sysctls), err);
        if (fd < 0) {
            throw Errors.of(err, "anonymous network namespace");
        }
        return new Netns(fd, null);
    }

    /**
     * A new namespace bind-mounted at {@code runDir/name} (`ip netns add`, in runDir).
     *
     * @param runDir the directory of the mount point, created if missing
     * @param name   the mount point's file name: not empty, ".", ".." or containing '/'
     * @return a handle on the new namespace, whose {@link #path} is runDir/name
     * @throws org.libnetwork4j.AlreadyExistsException if runDir/name exists
     * @throws InvalidParameterException if name is not a valid file name
     */
    public static Netns createAt(Path runDir, String name) {
        return createAt(runDir, name, Map.of());
    }

    /**
     * {@link #createAt(Path, String)} with sysctls, as {@link #create(Map)}. If the sysctls
     * cannot be written, runDir/name is removed again.
     *
     * @param runDir  the directory of the mount point, created if missing
     * @param name    the mount point's file name
     * @param sysctls keys to values, written before the mount makes the namespace visible
     * @return a handle on the new namespace, whose {@link #path} is runDir/name
     * @throws org.libnetwork4j.AlreadyExistsException if runDir/name exists
     */
    public static Netns createAt(Path runDir, String name, Map<String, String> sysctls) {
        Objects.requireNonNull(runDir, "runDir");
        LnwErr err = new LnwErr();
        int fd = LnwNative.lnw_netns_create_at(runDir.toString(), name, lines(sysctls), err);
        if (fd < 0) {
            throw Errors.of(err, name);
        }
        return new Netns(fd, runDir.resolve(name));
    }

    private static String lines(Map<String, String> sysctls) {
        if (sysctls.isEmpty()) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        sysctls.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sb.toString();
    }

    /**
     * The namespace mounted at path, referred to by its path alone ({@link #byPath}), found by
     * one stat of the path instead of an open: what a restart does for each of thousands of
     * sandboxes. A file whose mount is gone is an ordinary one, on another device than nsfs,
     * and refused here; that it is a network namespace (not another kind on nsfs) is checked,
     * as its identity is, at each use.
     *
     * @param path where the namespace is bind-mounted
     * @return a handle on the path that holds no fd
     * @throws NotFoundException if nothing, or no namespace, is mounted there
     */
    public static Netns atPath(Path path) {
        Map<String, Object> st;
        try {
            st = java.nio.file.Files.readAttributes(path, "unix:dev,ino");
        } catch (java.io.IOException | UnsupportedOperationException e) {
            throw new NotFoundException("namespace " + path + " not found: " + e.getMessage());
        }
        long dev = (Long) st.get("dev");
        if (dev != NsfsDevice.DEV) {
            throw new NotFoundException("namespace " + path + " not found: nothing is mounted there");
        }
        return new Netns(path, new NsId(dev, (Long) st.get("ino")));
    }

    /** The device of nsfs, which holds every namespace's file: the JVM's own tells it. */
    private static final class NsfsDevice {
        static final long DEV = read();

        private static long read() {
            try (Netns own = current()) {
                return own.id().device();
            }
        }
    }

    /**
     * Opens the namespace at path (a bind mount, {@code /proc/PID/ns/net}).
     *
     * @param path the namespace's file
     * @return a handle holding its own fd of the namespace, with path as its {@link #path}
     * @throws NotFoundException if nothing is there
     * @throws InvalidParameterException if it is not a network namespace
     */
    public static Netns open(Path path) {
        LnwErr err = new LnwErr();
        int fd = LnwNative.lnw_netns_open(path.toString(), err);
        if (fd < 0) {
            throw Errors.of(err, path.toString());
        }
        return new Netns(fd, path);
    }

    /**
     * The namespace the calling thread is in: the JVM's, except on a {@link NamespaceThread}.
     *
     * @return a new handle holding its own fd of it, without path
     */
    public static Netns current() {
        LnwErr err = new LnwErr();
        int fd = LnwNative.lnw_netns_open(THREAD_NETNS, err);
        if (fd < 0) {
            throw Errors.of(err, THREAD_NETNS);
        }
        return new Netns(fd, null);
    }

    /**
     * The identity of the namespace the calling thread is in (for checks and tests).
     *
     * @return that namespace's device and inode
     */
    public static NsId currentThreadId() {
        try (Netns ns = current()) {
            return ns.id();
        }
    }

    /**
     * Unmounts and unlinks a named namespace (`ip netns delete`). Processes and fds inside keep
     * it alive; the name is gone at once.
     *
     * @param path the mount point, as made by {@link #createAt}
     * @throws NotFoundException if nothing is at path
     */
    public static void delete(Path path) {
        LnwErr err = new LnwErr();
        if (LnwNative.lnw_netns_delete(path.toString(), err) < 0) {
            throw Errors.of(err, path.toString());
        }
    }

    /** Closes this fd and, for a named namespace, deletes the name. Idempotent. */
    public void delete() {
        close();
        if (path != null) {
            try {
                delete(path);
            } catch (NotFoundException alreadyGone) {
                // deleting twice succeeds: the name is gone either way
            }
        }
    }

    /** The identity of the namespace fd refers to; a new fd is closed if that fails. */
    private static NsId identify(int fd, Path path) {
        try {
            return ident(fd, path);
        } catch (RuntimeException e) {
            LnwNative.lnw_fd_close(fd, new LnwErr());
            throw e;
        }
    }

    private static NsId ident(int fd, Path path) {
        long[] out = new long[2];
        LnwErr err = new LnwErr();
        if (LnwNative.lnw_netns_ident(fd, out, err) < 0) {
            throw Errors.of(err, path == null ? "anonymous network namespace" : path.toString());
        }
        return new NsId(out[0], out[1]);
    }

    /**
     * The identity of this namespace, read when it was opened and kept after close.
     *
     * @return the device and inode of its nsfs file
     */
    public NsId id() {
        return id;
    }

    /**
     * Where it is mounted, for a named or opened namespace.
     *
     * @return the path it was created at or opened from; empty for one from {@link #create()}
     *         or {@link #current()}
     */
    public Optional<Path> path() {
        return Optional.ofNullable(path);
    }

    /**
     * Runs fn with the fd, which stays open until fn returns. For this package only: the fd is
     * borrowed by native calls that must not see it closed under them.
     */
    <T> T withFd(String op, java.util.function.IntFunction<T> fn) {
        if (fd != null) {
            return fd.shared(op, v -> fn.apply((int) v));
        }
        if (released) {
            throw Errors.closed(op, "namespace " + path);
        }
        LnwErr err = new LnwErr();
        int opened = LnwNative.lnw_netns_open(path.toString(), err);
        if (opened < 0) {
            throw Errors.of(err, path.toString());
        }
        try {
            NsId there = ident(opened, path);
            if (!there.equals(id)) {
                // unmounted, and another namespace mounted in its place: not ours to touch
                throw new NotFoundException(op + ": namespace " + path + " (" + id + ") is gone; " + there
                        + " is mounted there now");
            }
            return fn.apply(opened);
        } finally {
            LnwNative.lnw_fd_close(opened, new LnwErr());
        }
    }

    /**
     * Whether the namespace is still where it was found: for one referred to by path, the path
     * opens and is the same namespace (a process that exited takes its /proc/PID/ns/net along,
     * and a pid used again names another); one held by its fd is there while the fd is open.
     *
     * @return true if it is still there; false once closed
     */
    public boolean stillThere() {
        if (fd != null) {
            return !fd.isClosed();
        }
        try {
            return withFd("look for namespace", f -> true);
        } catch (NotFoundException | InvalidParameterException gone) {
            return false;
        }
    }

    /**
     * Whether {@link #close} (or {@link #delete()}) has been called: using it then throws
     * {@link InvalidParameterException} (EBADF).
     *
     * @return true once closed
     */
    public boolean isClosed() {
        return fd != null ? fd.isClosed() : released;
    }

    @Override
    public void close() {
        if (fd != null) {
            fd.close(v -> LnwNative.lnw_fd_close((int) v, new LnwErr()));
        } else {
            released = true;
        }
    }

    @Override
    public String toString() {
        return path != null ? path + " (" + id + ")" : id.toString();
    }
}
