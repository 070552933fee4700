package org.libnetwork4j.controller;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.libnetwork4j.InternalException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.ResolvConf;
import org.libnetwork4j.SandboxOptions;

/**
 * The hosts and resolv.conf files of a sandbox, as Docker writes them. Pure text functions
 * (unit-tested) plus an in-place writer.
 */
final class EtcFiles {
    /** Used when the host has no nameserver a container can reach (Docker's fallback). */
    static final List<String> FALLBACK_NAMESERVERS = List.of("8.8.8.8", "8.8.4.4");

    private static final String HOSTS_HEADER = """
            127.0.0.1\tlocalhost
            ::1\tlocalhost ip6-localhost ip6-loopback
            fe00::0\tip6-localnet
            ff00::0\tip6-mcastprefix
            ff02::1\tip6-allnodes
            ff02::2\tip6-allrouters
            """;

    private EtcFiles() {
    }

    /**
     * The hosts file: localhost lines, the extra hosts, then the sandbox's own name for each of
     * its addresses ({@code IP fqdn hostname}, or {@code IP hostname} without a domain).
     */
    static String hosts(String hostname, String domainname, List<SandboxOptions.HostEntry> extra,
            List<InetAddress> own) {
        return hosts(hostname, domainname, extra, own, List.of());
    }

    /**
     * The same, plus peers: "ADDRESS NAMES" lines for the aliases of endpoints of other
     * sandboxes on this sandbox's networks (no embedded DNS: Docker's legacy links did this).
     */
    static String hosts(String hostname, String domainname, List<SandboxOptions.HostEntry> extra,
            List<InetAddress> own, List<String> peers) {
        StringBuilder sb = new StringBuilder(HOSTS_HEADER);
        for (SandboxOptions.HostEntry e : extra) {
            sb.append(IpAddresses.format(e.ip())).append('\t').append(e.name()).append('\n');
        }
        if (hostname != null) {
            String names = domainname != null && !domainname.isEmpty()
                    ? hostname + "." + domainname + " " + hostname : hostname;
            for (InetAddress a : own) {
                sb.append(IpAddresses.format(a)).append('\t').append(names).append('\n');
            }
        }
        for (String p : peers) {
            sb.append(p).append('\n');
        }
        return sb.toString();
    }

    /**
     * The resolv.conf: nameservers, search domains and options from the sandbox's options where
     * given, else from the host's file; loopback nameservers are dropped (a container's
     * loopback is its own: the host's local resolver is unreachable there); with no nameserver
     * left, Docker's fallback (Google's public DNS).
     */
    static String resolvConf(String hostResolvConf, SandboxOptions o) {
        return resolvConf(ResolvConf.parse(hostResolvConf), o, List.of());
    }

    /**
     * The same with the embedded resolver: when resolvers (its addresses on the sandbox's
     * networks) are given, they are the only nameservers (the others become its upstreams,
     * see {@link #upstreams}), search and options are kept, and {@code ndots:0} is added unless
     * an ndots option is set: a container name has no dot, and must be asked as it is before
     * any search domain is tried (Docker does the same).
     */
    static String resolvConf(ResolvConf host, SandboxOptions o, List<InetAddress> resolvers) {
        List<String> ns;
        if (!resolvers.isEmpty()) {
            ns = resolvers.stream().map(IpAddresses::format).toList();
        } else if (!o.dns().isEmpty()) {
            ns = o.dns().stream().map(IpAddresses::format).toList();
        } else {
            ns = host.nameservers().stream().filter(n -> !isLoopback(n)).toList();
            if (ns.isEmpty()) {
                ns = FALLBACK_NAMESERVERS;
            }
        }
        List<String> search = host.search();
        if (!o.dnsSearch().isEmpty()) {
            // a lone "." means: no search domains at all (Docker's --dns-search .)
            search = o.dnsSearch().equals(List.of(".")) ? List.of() : o.dnsSearch();
        }
        List<String> options = options(host, o);
        if (!resolvers.isEmpty() && !ndotsSet(host, o)) {
            options = new ArrayList<>(options);
            options.add("ndots:0");
        }
        StringBuilder sb = new StringBuilder();
        for (String n : ns) {
            sb.append("nameserver ").append(n).append('\n');
        }
        if (!search.isEmpty()) {
            sb.append("search ").append(String.join(" ", search)).append('\n');
        }
        if (!options.isEmpty()) {
            sb.append("options ").append(String.join(" ", options)).append('\n');
        }
        return sb.toString();
    }

    /** The options line: the sandbox's own, else the host's. */
    private static List<String> options(ResolvConf host, SandboxOptions o) {
        return o.dnsOptions().isEmpty() ? host.options() : o.dnsOptions();
    }

    /** Whether the options line has an ndots option that is not the resolver's own ndots:0. */
    static boolean ndotsSet(ResolvConf host, SandboxOptions o) {
        return options(host, o).stream().anyMatch(x -> x.startsWith("ndots:"));
    }

    /**
     * Where the embedded resolver sends what it does not know, for a sandbox: its own dns
     * servers, else the host's, loopback ones included (the resolver dials those from the host's
     * namespace); port 53. (The resolver tries the first 3.)
     */
    static List<InetSocketAddress> upstreams(ResolvConf host, SandboxOptions o) {
        List<InetAddress> ips = new ArrayList<>(o.dns());
        if (ips.isEmpty()) {
            for (String n : host.nameservers()) {
                try {
                    ips.add(IpAddresses.parse(n));
                } catch (RuntimeException notAnAddress) {
                    // the C library skips such a line too
                }
            }
        }
        return ips.stream().distinct().map(ip -> new InetSocketAddress(ip, 53)).toList();
    }

    private static boolean isLoopback(String ip) {
        try {
            return IpAddresses.parse(ip).isLoopbackAddress();
        } catch (RuntimeException notAnAddress) {
            return true; // a line the resolver would not use either
        }
    }

    /**
     * Rewrites file in place: the same inode, never a replacement, because a runtime
     * bind-mounts these files into the container and a rename would leave the mount on the old
     * one. And never truncated to zero first: on ext4 a truncate-then-write costs ~120 us (the
     * truncation, and the flush ext4 forces at close after one) against ~2 us for an overwrite
     * that trims only what the new content no longer covers.
     */
    static void write(Path file, String content) {
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b);
            for (long pos = 0; buf.hasRemaining(); ) { // bounded: each round writes at least a byte
                pos += ch.write(buf, pos);
            }
            if (ch.size() > b.length) {
                ch.truncate(b.length);
            }
        } catch (IOException e) {
            throw new InternalException("write " + file + ": " + e.getMessage(), 0, "write", file.toString(), e);
        }
    }
}
