package org.libnetwork4j;

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
 */
public record ControllerConfig(Path stateDir, Path runDir, Path hostNamespace,
        List<AddressPool> addressPools, Path hostResolvConf, Duration lockWait, boolean embeddedDns) {

    public ControllerConfig {
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(runDir, "runDir");
        addressPools = List.copyOf(addressPools);
        Objects.requireNonNull(hostResolvConf, "hostResolvConf");
        Objects.requireNonNull(lockWait, "lockWait");
        if (lockWait.isNegative()) {
            throw new InvalidParameterException("lockWait " + lockWait + " is negative");
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Path stateDir = Path.of("/var/lib/libnetwork4j");
        private Path runDir = Path.of("/run/libnetwork4j");
        private Path hostNamespace;
        private List<AddressPool> addressPools;
        private Path hostResolvConf = Path.of("/etc/resolv.conf");
        private Duration lockWait = Duration.ZERO;
        private boolean embeddedDns = true;

        public Builder stateDir(Path dir) {
            this.stateDir = dir;
            return this;
        }

        public Builder runDir(Path dir) {
            this.runDir = dir;
            return this;
        }

        /** A bind-mounted network namespace (e.g. /run/netns/NAME) to use as the host. */
        public Builder hostNamespace(Path netns) {
            this.hostNamespace = netns;
            return this;
        }

        public Builder addressPool(AddressPool pool) {
            if (addressPools == null) {
                addressPools = new ArrayList<>();
            }
            addressPools.add(pool);
            return this;
        }

        public Builder hostResolvConf(Path file) {
            this.hostResolvConf = file;
            return this;
        }

        /** Wait up to this long for another process holding the state directory. */
        public Builder lockWait(Duration wait) {
            this.lockWait = wait;
            return this;
        }

        /** Whether to run the embedded DNS resolver (default true). */
        public Builder embeddedDns(boolean on) {
            this.embeddedDns = on;
            return this;
        }

        public ControllerConfig build() {
            return new ControllerConfig(stateDir, runDir, hostNamespace,
                    addressPools == null ? List.of() : addressPools, hostResolvConf, lockWait, embeddedDns);
        }
    }
}
