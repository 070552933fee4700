package org.libnetwork4j;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * How to create a sandbox: {@code SandboxOptions.builder().hostname("web").domainname("example.org")
 * .dns("10.0.0.53").build()}.
 *
 * @param hostname         the container's host name, a valid host name; the hosts file gives
 *                         it to the sandbox's own addresses. Null: none, and no such lines
 * @param domainname       the container's domain name, a valid host name; with a hostname,
 *                         the hosts file lists {@code hostname.domainname} first. Null: none
 * @param dns              nameservers for resolv.conf; empty: the host's, without loopback ones
 * @param dnsSearch        search domains; empty: the host's
 * @param dnsOptions       resolv.conf options (e.g. "ndots:2"); empty: the host's
 * @param extraHosts       more lines for the hosts file ({@code --add-host})
 * @param useHostNamespace the sandbox is the host's own network namespace (for the host
 *                         driver's endpoints); nothing is created or deleted for it
 * @param netns            a network namespace made by someone else (a runtime: runc, crun,
 *                         podman) for the sandbox to adopt, by a path such as
 *                         {@code /proc/PID/ns/net} or a bind mount (libnetwork's external
 *                         key); a relative path is taken against the working directory at once.
 *                         It becomes the sandbox's {@link Sandbox#key()}; the sandbox never
 *                         keeps it alive nor deletes it: its delete takes its interfaces out,
 *                         and once the namespace has gone (its process exited, its mount
 *                         removed) the sandbox is dropped at the next join or restart, its
 *                         addresses released. Null: a namespace of the controller's own
 * @param callerMovesInterfaces the caller owns the container's namespace and moves each
 *                         endpoint's interface into it itself, as dockerd does with a network
 *                         plugin's interface (libnetwork's SrcName and DstPrefix): a join makes
 *                         the interface in the host namespace under a temporary name
 *                         ({@link EndpointInfo#interfaceName}) and configures nothing in the
 *                         container, whose addresses, routes, hosts file and resolv.conf are the
 *                         caller's; the caller moves it in, names it with
 *                         {@link EndpointInfo#dstPrefix}, and moves it back out before the
 *                         endpoint leaves. The sandbox has no namespace of its own: its
 *                         {@link Sandbox#key()} is the host's
 */
public record SandboxOptions(String hostname, String domainname, List<InetAddress> dns,
        List<String> dnsSearch, List<String> dnsOptions, List<HostEntry> extraHosts,
        boolean useHostNamespace, java.nio.file.Path netns, boolean callerMovesInterfaces) {

    /**
     * Copies the lists and checks the names and the namespace.
     *
     * @param hostname         a valid host name, or null
     * @param domainname       a valid host name, or null
     * @param dns              nameservers, not null
     * @param dnsSearch        search domains, not null
     * @param dnsOptions       resolv.conf options, not null
     * @param extraHosts       hosts file lines, not null
     * @param useHostNamespace whether the sandbox is the host's namespace; not with netns
     * @param netns            a namespace to adopt, or null
     * @param callerMovesInterfaces whether the caller moves interfaces in itself; not with
     *                         useHostNamespace or netns
     * @throws InvalidParameterException if hostname or domainname is not a valid host name, or
     *                                   more than one of useHostNamespace, netns and
     *                                   callerMovesInterfaces is given
     * @throws NullPointerException      if a list, or an element of one, is null
     */
    public SandboxOptions {
        if (useHostNamespace && netns != null) {
            throw new InvalidParameterException("a sandbox is either in the host's namespace or in namespace "
                    + netns + ", not both");
        }
        if (callerMovesInterfaces && (useHostNamespace || netns != null)) {
            throw new InvalidParameterException("callerMovesInterfaces: the caller's namespace is its own; a sandbox "
                    + "whose caller moves interfaces in takes neither useHostNamespace nor netns");
        }
        // pinned now: a relative path would name another file with every working directory
        // (a store written with one and read with another, a daemon and its client)
        netns = netns == null ? null : netns.toAbsolutePath();
        dns = List.copyOf(dns);
        dnsSearch = List.copyOf(dnsSearch);
        dnsOptions = List.copyOf(dnsOptions);
        extraHosts = List.copyOf(extraHosts);
        checkName("hostname", hostname);
        checkName("domainname", domainname);
    }

    /**
     * A line of the hosts file: {@code --add-host name:ip}.
     *
     * @param name the host name, written as given
     * @param ip   its address
     */
    public record HostEntry(String name, InetAddress ip) {
        /**
         * Parses {@code --add-host}'s value, split at the first ':' so that an IPv6 address
         * follows unbracketed: {@code db:10.0.0.7}, {@code db:fd00::7}.
         *
         * @param nameColonIp {@code NAME:IP}
         * @return the entry
         * @throws InvalidParameterException if there is no name, no ':', or no IP literal after it
         */
        public static HostEntry parse(String nameColonIp) {
            int c = nameColonIp == null ? -1 : nameColonIp.indexOf(':');
            if (c <= 0) {
                throw new InvalidParameterException("invalid extra host \"" + nameColonIp
                        + "\": want NAME:IP");
            }
            return new HostEntry(nameColonIp.substring(0, c), IpAddresses.parse(nameColonIp.substring(c + 1)));
        }
    }

    private static final java.util.regex.Pattern HOSTNAME =
            java.util.regex.Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?");

    /**
     * Whether v is a valid host name (hence also a valid alias).
     *
     * @param v the name to check, not null
     * @return true for at most 253 letters, digits, '.' and '-' that start and end with a
     *         letter or digit
     */
    public static boolean isName(String v) {
        return v.length() <= 253 && HOSTNAME.matcher(v).matches();
    }

    static void checkName(String field, String v) {
        if (v != null && !isName(v)) {
            throw new InvalidParameterException("invalid " + field + " \"" + v + "\"");
        }
    }

    /**
     * No hostname, DNS settings from the host, no extra hosts, a namespace of the controller's
     * own.
     *
     * @return the default options
     */
    public static SandboxOptions defaults() {
        return builder().build();
    }

    /**
     * A builder starting from {@link #defaults()}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builds {@link SandboxOptions}; addresses are parsed as they are set, names checked by
     * {@link #build}.
     */
    public static final class Builder {
        private String hostname;
        private String domainname;
        private final List<InetAddress> dns = new ArrayList<>();
        private final List<String> dnsSearch = new ArrayList<>();
        private final List<String> dnsOptions = new ArrayList<>();
        private final List<HostEntry> extraHosts = new ArrayList<>();
        private boolean useHostNamespace;
        private java.nio.file.Path netns;
        private boolean callerMovesInterfaces;

        /**
         * The container's host name ({@code --hostname}).
         *
         * @param h a valid host name, checked by {@link #build}; null for none
         * @return this builder
         */
        public Builder hostname(String h) {
            this.hostname = h;
            return this;
        }

        /**
         * The container's domain name ({@code --domainname}).
         *
         * @param d a valid host name, checked by {@link #build}; null for none
         * @return this builder
         */
        public Builder domainname(String d) {
            this.domainname = d;
            return this;
        }

        /**
         * Adds a nameserver for resolv.conf ({@code --dns}); with any, the host's are not used.
         *
         * @param ip the nameserver's address
         * @return this builder
         * @throws InvalidParameterException if ip is not an IP address literal
         */
        public Builder dns(String ip) {
            dns.add(IpAddresses.parse(ip));
            return this;
        }

        /**
         * Adds a search domain for resolv.conf ({@code --dns-search}); with any, the host's are
         * not used.
         *
         * @param domain the domain; "." as the only one means no search domains at all
         * @return this builder
         */
        public Builder dnsSearch(String domain) {
            dnsSearch.add(domain);
            return this;
        }

        /**
         * Adds a resolv.conf option ({@code --dns-option}); with any, the host's are not used.
         *
         * @param option e.g. "ndots:2"
         * @return this builder
         */
        public Builder dnsOption(String option) {
            dnsOptions.add(option);
            return this;
        }

        /**
         * Adds a line to the hosts file ({@code --add-host name:ip}).
         *
         * @param name the host name, not checked
         * @param ip   its address
         * @return this builder
         * @throws InvalidParameterException if ip is not an IP address literal
         */
        public Builder extraHost(String name, String ip) {
            extraHosts.add(new HostEntry(name, IpAddresses.parse(ip)));
            return this;
        }

        /**
         * Whether the sandbox is the host's own network namespace (for host network endpoints).
         *
         * @param on true for the host's namespace; not together with {@link #netns}
         * @return this builder
         */
        public Builder useHostNamespace(boolean on) {
            this.useHostNamespace = on;
            return this;
        }

        /**
         * Adopt this namespace, made by someone else (see {@link SandboxOptions#netns}).
         *
         * @param path e.g. {@code /proc/PID/ns/net}; null for a namespace of the controller's own
         * @return this builder
         */
        public Builder netns(java.nio.file.Path path) {
            this.netns = path;
            return this;
        }

        /**
         * The caller moves each endpoint's interface into its namespace itself (see
         * {@link SandboxOptions#callerMovesInterfaces}).
         *
         * @param on whether it does
         * @return this builder
         */
        public Builder callerMovesInterfaces(boolean on) {
            this.callerMovesInterfaces = on;
            return this;
        }

        /**
         * Checks the names and the namespace and makes the options.
         *
         * @return the options
         * @throws InvalidParameterException if the hostname or domain name is not a valid host
         *                                   name, or both useHostNamespace and netns are set
         */
        public SandboxOptions build() {
            return new SandboxOptions(hostname, domainname, dns, dnsSearch, dnsOptions, extraHosts,
                    useHostNamespace, netns, callerMovesInterfaces);
        }
    }
}
