package org.libnetwork4j.controller;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

import org.libnetwork4j.InternalException;
import org.libnetwork4j.ResolvConf;
import org.libnetwork4j.SandboxOptions;

/**
 * The hosts and resolv.conf files of one sandbox, in its directory under the run directory,
 * for a runtime to bind-mount: rewritten in place when their content changes. Guarded by the
 * sandbox's lock.
 */
final class SandboxFiles {
    private final Path dir;
    private final SandboxOptions options;
    private final ResolvConf hostResolvConf;
    private String hostsContent;
    private List<String> peerLines = List.of();
    private List<InetAddress> resolvers = List.of();

    private SandboxFiles(Path dir, SandboxOptions options, ResolvConf hostResolvConf) {
        this.dir = dir;
        this.options = options;
        this.hostResolvConf = hostResolvConf;
    }

    /** Makes the directory and both files (resolv.conf derived from the host's). */
    static SandboxFiles create(Path dir, SandboxOptions options, Path hostResolvConf) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InternalException("create sandbox files in " + dir + ": " + e.getMessage(), 0, "create sandbox",
                    dir.toString(), e);
        }
        SandboxFiles f = new SandboxFiles(dir, options, ResolvConf.read(hostResolvConf));
        f.writeHosts(List.of());
        EtcFiles.write(f.resolvConf(), EtcFiles.resolvConf(f.hostResolvConf, options, List.of()));
        return f;
    }

    /** The files of a sandbox made before a restart, as they are. */
    static SandboxFiles open(Path dir, SandboxOptions options, ResolvConf host) {
        return new SandboxFiles(dir, options, host);
    }

    /** Where the embedded resolver forwards this sandbox's queries for names not its own. */
    List<InetSocketAddress> upstreams() {
        return EtcFiles.upstreams(hostResolvConf, options);
    }

    /** Whether resolv.conf carries an ndots option of the user's or the host's. */
    boolean ndotsSet() {
        return EtcFiles.ndotsSet(hostResolvConf, options);
    }

    /**
     * Rewrites resolv.conf when the resolver addresses of the sandbox's networks change (the
     * first join to a network with DNS, the last leave): they become its nameservers, or the
     * host's come back. The hosts file is written after it: its peers' lines follow the
     * resolvers ({@link #content}).
     */
    void writeResolvConf(List<InetAddress> now) {
        if (!now.equals(resolvers)) {
            EtcFiles.write(resolvConf(), EtcFiles.resolvConf(hostResolvConf, options, now));
            resolvers = List.copyOf(now);
        }
    }

    /**
     * The same after a restart: written only if what is on disk differs; taken as written
     * (not read) when nothing it derives from can have changed since it was written. The
     * hosts file, restored before with no resolver known (own its addresses), loses its peers'
     * lines if the sandbox now has one.
     */
    void restoreResolvConf(List<InetAddress> now, boolean asWritten, List<InetAddress> own) {
        if (!asWritten) {
            writeIfDifferent(resolvConf(), EtcFiles.resolvConf(hostResolvConf, options, now));
        }
        boolean changed = resolvers.isEmpty() != now.isEmpty();
        resolvers = List.copyOf(now);
        if (changed && !peerLines.isEmpty()) {
            writeHosts(own);
        }
    }

    private static void writeIfDifferent(Path file, String content) {
        String onDisk;
        try {
            onDisk = Files.readString(file);
        } catch (IOException e) {
            onDisk = null;
        }
        if (!content.equals(onDisk)) {
            EtcFiles.write(file, content);
        }
    }

    Path hosts() {
        return dir.resolve("hosts");
    }

    Path resolvConf() {
        return dir.resolve("resolv.conf");
    }

    /** Rewrites the hosts file if its content changes (without a hostname, joins do not). */
    void writeHosts(List<InetAddress> own) {
        String content = content(own);
        if (!content.equals(hostsContent)) {
            EtcFiles.write(hosts(), content);
            hostsContent = content;
        }
    }

    /**
     * The same after a restart: compared with what is on disk, written only if it differs;
     * taken as written (not read) after a clean close, which left it as the last change wrote it.
     * The resolvers are not known yet: the peers' alias lines, as the controller before wrote
     * them (with a resolver or without), are put right by the restart's refresh and then by
     * {@link #restoreResolvConf} (a sandbox with aliased peers may be written twice).
     */
    void restoreHosts(List<InetAddress> own, boolean asWritten) {
        String content = content(own);
        if (!asWritten) {
            writeIfDifferent(hosts(), content);
        }
        hostsContent = content;
    }

    /**
     * The "ADDRESS NAMES" lines of peers' aliases; rewrites the file if they changed. Returns
     * whether they did.
     */
    boolean setPeers(List<String> lines, List<InetAddress> own) {
        if (lines.isEmpty() && peerLines.isEmpty() || lines.equals(peerLines)) {
            return false;
        }
        peerLines = List.copyOf(lines);
        writeHosts(own);
        return true;
    }

    /**
     * The peers' alias lines are the names' fallback where no resolver answers: with one, they
     * stay out (the C library would read them before it asks DNS, and always get an alias
     * shared by several containers in the file's order).
     */
    private String content(List<InetAddress> own) {
        return EtcFiles.hosts(options.hostname(), options.domainname(), options.extraHosts(), own,
                resolvers.isEmpty() ? peerLines : List.of());
    }

    /**
     * Removes the directory and its files. Deleting twice succeeds. The two files this class
     * writes go by name and the directory after them: three unlinks, where a walk (a directory
     * read, a stat per entry, a sort) cost ~150 us of a CNI DEL on a cold daemon. Anything else
     * someone put there takes the walk.
     */
    void delete() {
        try {
            Files.deleteIfExists(hosts());
            Files.deleteIfExists(resolvConf());
            Files.deleteIfExists(dir);
        } catch (DirectoryNotEmptyException others) {
            deleteTree(dir);
        } catch (IOException e) {
            throw deleteFailed(dir, e);
        }
    }

    private static InternalException deleteFailed(Path dir, IOException e) {
        return new InternalException("delete sandbox files in " + dir + ": " + e.getMessage(), 0, "delete sandbox",
                dir.toString(), e);
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw deleteFailed(dir, e);
        }
    }
}
