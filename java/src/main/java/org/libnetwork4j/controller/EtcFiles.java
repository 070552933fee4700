package org.libnetwork4j.controller;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.libnetwork4j.InternalException;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.ResolvConf;
import org.libnetwork4j.SandboxOptions;
import org.libnetwork4j.kernel.InPlaceFile;

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
        // plain loops, no streams: this runs in every join that changes the resolvers
        StringBuilder sb = new StringBuilder(128);
        if (!resolvers.isEmpty()) {
            for (InetAddress a : resolvers) {
                nameserver(sb, IpAddresses.format(a));
            }
        } else if (!o.dns().isEmpty()) {
            for (InetAddress a : o.dns()) {
                nameserver(sb, IpAddresses.format(a));
            }
        } else {
            int before = sb.length();
            for (String n : host.nameservers()) {
                if (!isLoopback(n)) {
                    nameserver(sb, n);
                }
            }
            if (sb.length() == before) {
                for (String n : FALLBACK_NAMESERVERS) {
                    nameserver(sb, n);
                }
            }
        }
        List<String> search = host.search();
        if (!o.dnsSearch().isEmpty()) {
            // a lone "." means: no search domains at all (Docker's --dns-search .)
            search = o.dnsSearch().equals(List.of(".")) ? List.of() : o.dnsSearch();
        }
        if (!search.isEmpty()) {
            line(sb, "search", search, null);
        }
        List<String> options = options(host, o);
        String ndots = !resolvers.isEmpty() && !ndotsSet(host, o) ? "ndots:0" : null;
        if (!options.isEmpty() || ndots != null) {
            line(sb, "options", options, ndots);
        }
        return sb.toString();
    }

    private static void nameserver(StringBuilder sb, String address) {
        sb.append("nameserver ").append(address).append('\n');
    }

    /** "KEYWORD word word ... [last]". */
    private static void line(StringBuilder sb, String keyword, List<String> words, String last) {
        sb.append(keyword);
        for (String w : words) {
            sb.append(' ').append(w);
        }
        if (last != null) {
            sb.append(' ').append(last);
        }
        sb.append('\n');
    }

    /** The options line: the sandbox's own, else the host's. */
    private static List<String> options(ResolvConf host, SandboxOptions o) {
        return o.dnsOptions().isEmpty() ? host.options() : o.dnsOptions();
    }

    /** Whether the options line has an ndots option that is not the resolver's own ndots:0. */
    static boolean ndotsSet(ResolvConf host, SandboxOptions o) {
        for (String x : options(host, o)) {
            if (x.startsWith("ndots:")) {
                return true;
            }
        }
        return false;
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
     * Rewrites file in place (see {@link InPlaceFile#rewrite}): the same inode, never a
     * replacement, because a runtime bind-mounts these files into the container and a rename
     * would leave the mount on the old one. A failure is the library's own (an
     * InternalException), whatever the errno: a missing sandbox directory is not a missing
     * network or container, as a NotFoundException would tell an API client.
     */
    static void write(Path file, String content) {
        try {
            InPlaceFile.rewrite(file, content.getBytes(StandardCharsets.UTF_8));
        } catch (NetworkException e) {
            throw new InternalException(e.getMessage(), e.errno(), "write", file.toString(), e);
        }
    }
}
