package org.libnetwork4j;

import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where a controller keeps its state and in which network namespace it works.
 *
 * @param stateDir           what must survive a reboot: the store (default
 *                           /var/lib/libnetwork4j)
 * @param runDir             what lives as long as the machine runs (default /run/libnetwork4j):
 *                           sandbox namespaces are bind-mounted under {@code netns/}, their
 *                           hosts and resolv.conf files kept under {@code sandboxes/ID/}
 * @param hostNamespace      the network namespace the controller treats as the host: bridges,
 *                           host ends of veths and firewall rules go there. Null: the namespace
 *                           the JVM runs in. Tests and multi-host simulations pass a namespace
 *                           of their own.
 * @param addressPools       where networks without a subnet get one (default: Docker's local
 *                           defaults, 172.17-31.0.0/16 and 192.168.0.0/16 in /20s)
 * @param hostResolvConf     the resolv.conf sandboxes' files are derived from (default
 *                           /etc/resolv.conf)
 * @param lockWait           how long to wait for another process that holds the state
 *                           directory (one controller per state directory writes); zero, the
 *                           default, fails at once, naming the holder's pid
 * @param embeddedDns        run a DNS resolver for as long as the controller is open (the
 *                           default): containers on user-defined bridge networks find each
 *                           other by name, and their resolv.conf names the resolver. Off for a
 *                           controller opened only for one command: nothing would answer once
 *                           it closed, so resolv.conf keeps the host's nameservers and names
 *                           come only from the hosts files
 * @param pluginSocketDir    where Docker network plugins put their sockets, {@code NAME.sock}
 *                           or {@code NAME/NAME.sock} (default /run/docker/plugins, as
 *                           dockerd): a network whose type is no built-in driver goes through
 *                           the plugin of that name
 * @param pluginSpecDirs     where plugins are described by a spec file, {@code NAME.spec} (one
 *                           line, {@code unix:///path} or {@code tcp://host:port}) or
 *                           {@code NAME.json} ({@code {"Name":..,"Addr":..}}), searched in this
 *                           order after the socket directory (default /etc/docker/plugins,
 *                           /usr/lib/docker/plugins)
 * @param pluginRetry        how long a plugin call that cannot connect is tried again (the
 *                           plugin may be starting); default 30 seconds, as dockerd
 * @param pluginTimeout      how long a plugin may take to answer one call once connected;
 *                           default 60 seconds
 * @param clusterStore       the cluster store, etcd 3, as {@code etcd://HOST:PORT} (one or more):
 *                           networks of a global-scope driver (overlay) are then shared with
 *                           every controller using the same store. Empty (the default): none,
 *                           no overlay driver, and etcd's client is never loaded
 * @param advertiseAddress   this host's address on the underlay: the local end of its VXLAN
 *                           tunnels, which other hosts reach it at; needed with a cluster store
 * @param clusterLeaseTtl    how long the other hosts keep this host's endpoints in their tables
 *                           once etcd stops hearing from it (default 10 seconds)
 */
public record ControllerConfig(Path stateDir, Path runDir, Path hostNamespace,
        List<AddressPool> addressPools, Path hostResolvConf, Duration lockWait, boolean embeddedDns,
        Path pluginSocketDir, List<Path> pluginSpecDirs, Duration pluginRetry, Duration pluginTimeout,
        List<URI> clusterStore, InetAddress advertiseAddress, Duration clusterLeaseTtl) {

    /** Where dockerd looks for plugin sockets. */
    public static final Path DOCKER_PLUGIN_SOCKETS = Path.of("/run/docker/plugins");
    /** Where dockerd looks for plugin spec files, in order. */
    public static final List<Path> DOCKER_PLUGIN_SPECS = List.of(Path.of("/etc/docker/plugins"),
            Path.of("/usr/lib/docker/plugins"));

    /**
     * Copies addressPools (an empty list means the defaults) and checks the rest.
     *
     * @param stateDir       the state directory, not null
     * @param runDir         the run directory, not null
     * @param hostNamespace  the host's namespace, or null for the JVM's
     * @param addressPools   the address pools, not null; empty for Docker's defaults
     * @param hostResolvConf the host's resolv.conf, not null
     * @param lockWait       how long to wait for the state directory, not null nor negative
     * @param embeddedDns    whether to run the embedded DNS resolver
     * @param pluginSocketDir where plugin sockets are looked for, not null
     * @param pluginSpecDirs  where plugin spec files are looked for, in order, not null
     * @param pluginRetry     how long a plugin call is tried again while it cannot connect,
     *                        not null nor negative
     * @param pluginTimeout   how long one plugin call may wait for its answer, positive
     * @param clusterStore    the etcd endpoints, not null; empty for none
     * @param advertiseAddress this host's underlay address; needed with a cluster store
     * @param clusterLeaseTtl the lease's time to live, at least 2 seconds
     * @throws NullPointerException      if any component but hostNamespace is null, or a pool or
     *                                   spec directory is
     * @throws InvalidParameterException if lockWait or pluginRetry is negative, or pluginTimeout
     *                                   is not positive, or a cluster store is given without an
     *                                   advertise address or with a lease under 2 seconds
     */
    public ControllerConfig {
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(runDir, "runDir");
        addressPools = List.copyOf(addressPools);
        Objects.requireNonNull(hostResolvConf, "hostResolvConf");
        Objects.requireNonNull(lockWait, "lockWait");
        if (lockWait.isNegative()) {
            throw new InvalidParameterException("lockWait " + lockWait + " is negative");
        }
        Objects.requireNonNull(pluginSocketDir, "pluginSocketDir");
        pluginSpecDirs = List.copyOf(pluginSpecDirs);
        Objects.requireNonNull(pluginRetry, "pluginRetry");
        Objects.requireNonNull(pluginTimeout, "pluginTimeout");
        if (pluginRetry.isNegative()) {
            throw new InvalidParameterException("pluginRetry " + pluginRetry + " is negative");
        }
        if (pluginTimeout.isNegative() || pluginTimeout.isZero()) {
            throw new InvalidParameterException("pluginTimeout " + pluginTimeout + " is not positive");
        }
        clusterStore = List.copyOf(clusterStore);
        Objects.requireNonNull(clusterLeaseTtl, "clusterLeaseTtl");
        if (!clusterStore.isEmpty() && advertiseAddress == null) {
            throw new InvalidParameterException("advertise address: a cluster store (" + clusterStore
                    + ") needs this host's address on the underlay");
        }
        if (clusterLeaseTtl.toSeconds() < 2) {
            throw new InvalidParameterException("clusterLeaseTtl " + clusterLeaseTtl + " is under 2 seconds");
        }
    }

    /**
     * A builder holding the defaults: /var/lib/libnetwork4j, /run/libnetwork4j, the JVM's own
     * namespace, Docker's address pools, /etc/resolv.conf, no lock wait, embedded DNS on,
     * Docker's plugin directories, plugin calls retried for 30 seconds and answered within 60.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ControllerConfig}, starting from the defaults {@link #builder()} lists. */
    public static final class Builder {
        private Path stateDir = Path.of("/var/lib/libnetwork4j");
        private Path runDir = Path.of("/run/libnetwork4j");
        private Path hostNamespace;
        private List<AddressPool> addressPools;
        private Path hostResolvConf = Path.of("/etc/resolv.conf");
        private Duration lockWait = Duration.ZERO;
        private boolean embeddedDns = true;
        private Path pluginSocketDir = DOCKER_PLUGIN_SOCKETS;
        private List<Path> pluginSpecDirs = DOCKER_PLUGIN_SPECS;
        private Duration pluginRetry = Duration.ofSeconds(30);
        private Duration pluginTimeout = Duration.ofSeconds(60);
        private List<URI> clusterStore = List.of();
        private InetAddress advertiseAddress;
        private Duration clusterLeaseTtl = Duration.ofSeconds(10);

        /**
         * Where the store is kept (default /var/lib/libnetwork4j).
         *
         * @param dir the state directory, created when the controller opens if missing
         * @return this builder
         */
        public Builder stateDir(Path dir) {
            this.stateDir = dir;
            return this;
        }

        /**
         * Where namespaces are mounted and sandboxes' files kept (default /run/libnetwork4j).
         *
         * @param dir the run directory; its {@code netns/} and {@code sandboxes/} are created
         *            when the controller opens if missing
         * @return this builder
         */
        public Builder runDir(Path dir) {
            this.runDir = dir;
            return this;
        }

        /**
         * A bind-mounted network namespace (e.g. /run/netns/NAME) to use as the host.
         *
         * @param netns the namespace's path; null for the namespace the JVM runs in
         * @return this builder
         */
        public Builder hostNamespace(Path netns) {
            this.hostNamespace = netns;
            return this;
        }

        /**
         * Adds a pool that networks without a subnet get theirs from. Once one is added, only
         * the added pools are used, in the order added; Docker's defaults are dropped.
         *
         * @param pool the pool to add
         * @return this builder
         */
        public Builder addressPool(AddressPool pool) {
            if (addressPools == null) {
                addressPools = new ArrayList<>();
            }
            addressPools.add(pool);
            return this;
        }

        /**
         * The resolv.conf that sandboxes' files are derived from (default /etc/resolv.conf).
         *
         * @param file the host's resolv.conf; a missing or unreadable one counts as empty
         * @return this builder
         */
        public Builder hostResolvConf(Path file) {
            this.hostResolvConf = file;
            return this;
        }

        /**
         * Wait up to this long for another process holding the state directory.
         *
         * @param wait how long to wait; zero (the default) fails at once, negative is refused
         *             by {@link #build}
         * @return this builder
         */
        public Builder lockWait(Duration wait) {
            this.lockWait = wait;
            return this;
        }

        /**
         * Whether to run the embedded DNS resolver (default true).
         *
         * @param on false for a controller opened only for one command
         * @return this builder
         */
        public Builder embeddedDns(boolean on) {
            this.embeddedDns = on;
            return this;
        }

        /**
         * Where Docker network plugins' sockets are looked for (default /run/docker/plugins).
         *
         * @param dir the directory; {@code NAME.sock} and {@code NAME/NAME.sock} in it
         * @return this builder
         */
        public Builder pluginSocketDir(Path dir) {
            this.pluginSocketDir = dir;
            return this;
        }

        /**
         * Where Docker network plugins' spec files are looked for, in order (default
         * /etc/docker/plugins, /usr/lib/docker/plugins).
         *
         * @param dirs the directories; empty for none
         * @return this builder
         */
        public Builder pluginSpecDirs(List<Path> dirs) {
            this.pluginSpecDirs = dirs;
            return this;
        }

        /**
         * How long a plugin call that cannot connect is tried again (default 30 seconds).
         *
         * @param retry the bound; zero tries once
         * @return this builder
         */
        public Builder pluginRetry(Duration retry) {
            this.pluginRetry = retry;
            return this;
        }

        /**
         * How long a plugin may take to answer a call once connected (default 60 seconds).
         *
         * @param timeout the bound, positive
         * @return this builder
         */
        public Builder pluginTimeout(Duration timeout) {
            this.pluginTimeout = timeout;
            return this;
        }

        /**
         * The cluster store, for networks that span hosts (see {@link ControllerConfig#clusterStore}).
         *
         * @param endpoints {@code etcd://HOST:PORT}, one or more
         * @return this builder
         * @throws InvalidParameterException naming an endpoint that is not one
         */
        public Builder clusterStore(List<URI> endpoints) {
            for (URI u : endpoints) {
                if (!"etcd".equals(u.getScheme()) || u.getHost() == null || u.getPort() < 1) {
                    throw new InvalidParameterException("cluster store: \"" + u + "\" is not etcd://HOST:PORT");
                }
            }
            this.clusterStore = List.copyOf(endpoints);
            return this;
        }

        /**
         * The cluster store as the command line writes it: {@code etcd://IP:2379[,IP:2379...]}.
         *
         * @param spec the endpoints, comma-separated
         * @return this builder
         * @throws InvalidParameterException naming a part that is not {@code etcd://HOST:PORT}
         */
        public Builder clusterStore(String spec) {
            List<URI> l = new ArrayList<>();
            for (String part : spec.split(",")) {
                try {
                    l.add(new URI(part.strip()));
                } catch (java.net.URISyntaxException e) {
                    throw new InvalidParameterException("cluster store: \"" + part + "\" is not etcd://HOST:PORT");
                }
            }
            return clusterStore(l);
        }

        /**
         * This host's address on the underlay (see {@link ControllerConfig#advertiseAddress}).
         *
         * @param ip an address of this host's, as the other hosts reach it
         * @return this builder
         */
        public Builder advertiseAddress(String ip) {
            this.advertiseAddress = IpAddresses.parse(ip);
            return this;
        }

        /**
         * How long the other hosts keep this host's endpoints once etcd stops hearing from it.
         *
         * @param ttl at least 2 seconds
         * @return this builder
         */
        public Builder clusterLeaseTtl(Duration ttl) {
            this.clusterLeaseTtl = ttl;
            return this;
        }

        /**
         * Checks the settings and makes the configuration.
         *
         * @return the configuration
         * @throws NullPointerException      if stateDir, runDir, hostResolvConf, lockWait or a
         *                                   plugin setting was set to null
         * @throws InvalidParameterException if lockWait or pluginRetry is negative, or
         *                                   pluginTimeout not positive
         */
        public ControllerConfig build() {
            return new ControllerConfig(stateDir, runDir, hostNamespace,
                    addressPools == null ? List.of() : addressPools, hostResolvConf, lockWait, embeddedDns,
                    pluginSocketDir, pluginSpecDirs, pluginRetry, pluginTimeout, clusterStore, advertiseAddress,
                    clusterLeaseTtl);
        }
    }
}
