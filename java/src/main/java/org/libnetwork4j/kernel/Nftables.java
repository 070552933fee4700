package org.libnetwork4j.kernel;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.locks.ReentrantLock;

import org.libnetwork4j.internal.jni.LnwErr;
import org.libnetwork4j.internal.jni.LnwNative;

/**
 * nftables through libnftables, in-process (no {@code nft} process), bound to one network
 * namespace: {@link #apply} runs a ruleset as one transaction there, all of it or nothing;
 * {@link #listJson} reads back what the kernel holds, as {@code nft -j list} would print it.
 *
 * <p>Thread-safe. libnftables keeps process-wide state (an interface cache, one-time
 * initialisation), so calls on all instances are serialized by one lock. Only tables the
 * caller owns should be named in rulesets; this class does not police that.
 */
public final class Nftables implements AutoCloseable {
    static {
        NativeLoader.ensureLoaded();
    }

    /** Serializes every libnftables call of the process (see class comment). */
    private static final ReentrantLock LIBNFTABLES = new ReentrantLock();
    private static final int FIRST_BUFFER = 64 * 1024;

    private final NativeHandle handle;
    private final String namespace;

    private Nftables(long ptr, Netns ns) {
        this.handle = new NativeHandle("nftables handle of " + ns.id(), ptr);
        this.namespace = ns.toString();
    }

    /**
     * An nftables context whose socket lives in ns.
     *
     * @param ns the namespace the context works in; the context keeps its own reference, so ns
     *           need not stay open
     * @return the context; close it
     * @throws org.libnetwork4j.InvalidParameterException if ns is closed
     * @throws org.libnetwork4j.NetworkException (typed by errno) if no netfilter socket can be
     *         made there
     */
    public static Nftables open(Netns ns) {
        return ns.withFd("open nftables", fd -> locked(() -> {
            LnwErr err = new LnwErr();
            long ptr = LnwNative.lnw_nft_open(fd, err);
            if (ptr == 0) {
                throw Errors.of(err, ns.toString());
            }
            return new Nftables(ptr, ns);
        }));
    }

    /**
     * Runs {@code ruleset} (nft syntax, any number of commands) as one transaction
     * (`nft -f -`). On failure nothing of it is applied; the exception carries
     * libnftables' explanation.
     *
     * @param ruleset the commands, in nft syntax
     * @throws org.libnetwork4j.InvalidParameterException for a syntax error, a ruleset
     *         libnftables rejects without a system error, or a closed context; other failures
     *         are typed by the kernel's errno (e.g. {@link org.libnetwork4j.NotFoundException}
     *         for a missing table or chain)
     */
    public void apply(String ruleset) {
        handle.exclusive("apply nftables ruleset", p -> locked(() -> {
            LnwErr err = new LnwErr();
            if (LnwNative.lnw_nft_apply(p, ruleset, err) < 0) {
                throw Errors.of(err, "nftables ruleset of " + namespace);
            }
            return null;
        }));
    }

    /**
     * `nft -j COMMAND`, e.g. {@code listJson("list table inet libnetwork4j")}.
     *
     * @param command an nft list command
     * @return its output, JSON as {@code nft -j} prints it
     * @throws org.libnetwork4j.NotFoundException if what it lists does not exist
     * @throws org.libnetwork4j.RetryableException if the output outgrew its buffer twice (the
     *         ruleset kept growing while it was read)
     */
    public String listJson(String command) {
        return handle.exclusive("list nftables", p -> locked(() -> {
            LnwErr err = new LnwErr();
            byte[] buf = new byte[FIRST_BUFFER];
            // Bounded: the second round has room for what the first one reported.
            for (int round = 0; round < 2; round++) {
                int len = LnwNative.lnw_nft_list_json(p, command, buf, buf.length, err);
                if (len < 0) {
                    throw Errors.of(err, command);
                }
                if (len < buf.length) {
                    return new String(buf, 0, len, StandardCharsets.UTF_8);
                }
                buf = new byte[len + 4096];
            }
            throw Errors.of(LnwNative.EAGAIN, "list nftables " + command
                    + ": the ruleset kept growing while it was read", "list nftables", command);
        }));
    }

    /**
     * The ruleset generation of the namespace: every committed transaction, whoever makes it,
     * increments it. Unchanged since a transaction of ours means nobody has touched nftables.
     *
     * @return the generation, the kernel's 32-bit counter
     */
    public long generation() {
        return handle.exclusive("nftables generation", p -> {
            LnwErr err = new LnwErr();
            long[] out = new long[1];
            if (LnwNative.lnw_nft_generation(p, out, err) < 0) {
                throw Errors.of(err, "nftables generation of " + namespace);
            }
            return out[0];
        });
    }

    /**
     * `nft -j list table FAMILY NAME`.
     *
     * @param family the table's family: ip, ip6, inet, arp, bridge or netdev
     * @param table  the table's name
     * @return the table and everything in it (chains, rules, sets...), as JSON
     * @throws org.libnetwork4j.NotFoundException if there is no such table
     */
    public String listTableJson(String family, String table) {
        return listJson("list table " + family + " " + table);
    }

    private static <T> T locked(java.util.function.Supplier<T> fn) {
        LIBNFTABLES.lock();
        try {
            return fn.get();
        } finally {
            LIBNFTABLES.unlock();
        }
    }

    @Override
    public void close() {
        handle.close(p -> locked(() -> {
            LnwNative.lnw_nft_close(p);
            return null;
        }));
    }
}
