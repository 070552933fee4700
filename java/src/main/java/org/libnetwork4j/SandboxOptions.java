package org.libnetwork4j;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * How to create a sandbox: {@code SandboxOptions.builder().hostname("web").domainname("example.org")
 * .dns("10.0.0.53").build()}.
 *
 * @param dns              nameservers for resolv.conf; empty: the host's, without loopback ones
 * @param dnsSearch        search domains; empty: the host's
 * @param dnsOptions       resolv.conf options (e.g. "ndots:2"); empty: the host's
 * @param extraHosts       more lines for the hosts file ({@code --add-host})
 * @param useHostNamespace the sandbox is the host's own network namespace (for the host
 *                         driver's endpoints); nothing is created or deleted for it
 * @param netns            a network namespace made by someone else (a runtime: runc, crun,
 *                         podman) for the sandbox to adopt, by a path such as
 *                         {@code /proc/PID/ns/net} or a bind mount (libnetwork's external
 *                         key). It becomes the sandbox's {@link Sandbox#key()}; the sandbox never
 *                         keeps it alive nor deletes it: its delete takes its interfaces out,
 *                         and once the namespace has gone (its process exited, its mount
 *                         removed) the sandbox is dropped at the next join or restart, its
 *                         addresses released. Null: a namespace of the controller's own
 */
public record SandboxOptions(String hostname, String domainname, List<InetAddress> dns,
        List<String> dnsSearch, List<String> dnsOptions, List<HostEntry> extraHosts,
        boolean useHostNamespace, java.nio.file.Path netns) {

    public SandboxOptions {
        if (useHostNamespace && netns != null) {
            throw new InvalidParameterException("a sandbox is either in the host's namespace or in namespace "
                    + netns + ", not both");
        }
        dns = List.copyOf(dns);
        dnsSearch = List.copyOf(dnsSearch);
        dnsOptions = List.copyOf(dnsOptions);
        extraHosts = List.copyOf(extraHosts);
        checkName("hostname", hostname);
        checkName("domainname", domainname);
    }

    /** A line of the hosts file: {@code --add-host name:ip}. */
    public record HostEntry(String name, InetAddress ip) {
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

    /** Whether v is a valid host name (hence also a valid alias). */
    public static boolean isName(String v) {
        return v.length() <= 253 && HOSTNAME.matcher(v).matches();
    }

    static void checkName(String field, String v) {
        if (v != null && !isName(v)) {
            throw new InvalidParameterException("invalid " + field + " \"" + v + "\"");
        }
    }

    public static SandboxOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private String hostname;
        private String domainname;
        private final List<InetAddress> dns = new ArrayList<>();
        private final List<String> dnsSearch = new ArrayList<>();
        private final List<String> dnsOptions = new ArrayList<>();
        private final List<HostEntry> extraHosts = new ArrayList<>();
        private boolean useHostNamespace;
        private java.nio.file.Path netns;

        public Builder hostname(String h) {
            this.hostname = h;
            return this;
        }

        public Builder domainname(String d) {
            this.domainname = d;
            return this;
        }

        public Builder dns(String ip) {
            dns.add(IpAddresses.parse(ip));
            return this;
        }

        public Builder dnsSearch(String domain) {
            dnsSearch.add(domain);
            return this;
        }

        public Builder dnsOption(String option) {
            dnsOptions.add(option);
            return this;
        }

        public Builder extraHost(String name, String ip) {
            extraHosts.add(new HostEntry(name, IpAddresses.parse(ip)));
            return this;
        }

        public Builder useHostNamespace(boolean on) {
            this.useHostNamespace = on;
            return this;
        }

        /** Adopt this namespace, made by someone else (see {@link SandboxOptions#netns}). */
        public Builder netns(java.nio.file.Path path) {
            this.netns = path;
            return this;
        }

        public SandboxOptions build() {
            return new SandboxOptions(hostname, domainname, dns, dnsSearch, dnsOptions, extraHosts,
                    useHostNamespace, netns);
        }
    }
}
