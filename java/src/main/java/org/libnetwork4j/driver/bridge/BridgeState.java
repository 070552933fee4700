package org.libnetwork4j.driver.bridge;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.driver.EndpointAlias;
import org.libnetwork4j.driver.EndpointRequest;
import org.libnetwork4j.driver.NetworkRequest;
import org.libnetwork4j.driver.SandboxContext;
import org.libnetwork4j.kernel.Addr;

/**
 * What the bridge driver knows of its networks and endpoints, and the names it gives their
 * kernel objects. The names are how a restarted driver finds what an earlier one made.
 */
final class BridgeState {
    /** Port 0 is reserved; the kernel's port numbers are 10 bits (BR_MAX_PORTS = 1024). */
    static final int MAX_PORTS = 1023;
    /** The alias of a bridge of ours whose network is deleted, until the kernel has removed it. */
    private static final String DELETED_PREFIX = "lnw4j deleted network=";
    /** The alias of a veth host end of ours whose endpoint left, until the kernel has removed it. */
    private static final String DELETED_PORT_PREFIX = "lnw4j deleted endpoint=";

    private BridgeState() {
    }

    /** The bridge of a network: the name given, or Docker's {@code br-} + 12 digits of its id. */
    static String bridgeName(NetworkRequest req) {
        BridgeSettings s = (BridgeSettings) req.settings();
        return s.bridgeName() != null ? s.bridgeName() : defaultBridgeName(req.id());
    }

    static String defaultBridgeName(String networkId) {
        return "br-" + networkId.substring(0, 12);
    }

    /** How many names an endpoint's host end may take: the 7-digit windows of its 64-digit id. */
    static final int HOST_END_CANDIDATES = 9;

    /**
     * Name k of an endpoint's host end: {@code veth} and digits 7k..7k+6 of its id. Names of
     * its own, so that a half-made pair can be told from other links after a crash; several,
     * because 28 bits are not enough for one name per endpoint (two of 5,000 live endpoints
     * share a first window with a probability of about 5 %).
     */
    static String hostEnd(String endpointId, int k) {
        return "veth" + endpointId.substring(7 * k, 7 * k + 7);
    }

    /** The candidate that name is for endpointId, or -1 if it is none of them. */
    static int candidateOf(String endpointId, String name) {
        for (int k = 0; k < HOST_END_CANDIDATES; k++) {
            if (hostEnd(endpointId, k).equals(name)) {
                return k;
            }
        }
        return -1;
    }

    /** Whether name is one we give host ends (another program's ports of an adopted bridge are not). */
    static boolean isHostEndName(String name) {
        return name.length() == 11 && name.startsWith("veth") && name.substring(4).chars()
                .allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f');
    }

    /** The alias of an endpoint's host end: its id and the controller's label of the join. */
    static String alias(String endpointId, String label) {
        return EndpointAlias.of(endpointId, label);
    }

    /** The endpoint id and label an alias of ours holds, or null for any other alias. */
    static String[] parseAlias(String alias) {
        return EndpointAlias.parse(alias);
    }

    /** The alias that marks a bridge of ours as deleted: only its removal is left to do. */
    static String deletedAlias(String networkId) {
        return DELETED_PREFIX + networkId;
    }

    static boolean isDeletedAlias(String alias) {
        return alias.startsWith(DELETED_PREFIX);
    }

    /**
     * The alias that marks the host end of a pair whose endpoint left: without carrier (its
     * peer down), only its delete is left to do (not {@link EndpointAlias}'s form: no join
     * claims it).
     */
    static String deletedPortAlias(String endpointId) {
        return DELETED_PORT_PREFIX + endpointId;
    }

    static boolean isDeletedPortAlias(String alias) {
        return alias != null && alias.startsWith(DELETED_PORT_PREFIX);
    }

    /** The driver's state of one network. */
    static final class BridgeNetwork {
        final String networkId;
        final String networkName;
        final String bridgeName;
        final BridgeSettings settings;
        final boolean internal;
        final InetAddress gatewayV4;
        final InetAddress gatewayV6;
        final List<Addr> addedAddrs = new ArrayList<>();
        final Map<String, BridgeEndpoint> endpoints = new ConcurrentHashMap<>();
        volatile boolean adopted;
        volatile int bridgeIndex;
        private int ports; // guarded by this

        BridgeNetwork(NetworkRequest req, String bridgeName) {
            this.networkId = req.id();
            this.networkName = req.name();
            this.bridgeName = bridgeName;
            this.settings = (BridgeSettings) req.settings();
            this.internal = req.internal();
            this.gatewayV4 = req.v4().isEmpty() ? null : req.v4().get(0).gateway();
            this.gatewayV6 = req.v6().isEmpty() ? null : req.v6().get(0).gateway();
        }

        /** Counts a new port, refused when the bridge has as many as the kernel allows. */
        synchronized void addPort() {
            if (ports >= MAX_PORTS) {
                throw new ForbiddenException("bridge " + bridgeName + " has " + ports
                        + " ports, the most the kernel allows on one bridge (1024 port numbers, 0"
                        + " reserved); use another network");
            }
            ports++;
        }

        synchronized void removePort() {
            ports--;
        }

        synchronized void setPorts(int n) {
            ports = n;
        }

        synchronized int ports() {
            return ports;
        }

        /** The default routes' next hops for an endpoint of this network; none if internal. */
        InetAddress gatewayV4ForJoin() {
            return internal ? null : gatewayV4;
        }

        InetAddress gatewayV6ForJoin() {
            return internal ? null : gatewayV6;
        }
    }

    /** The driver's state of one endpoint. */
    static final class BridgeEndpoint {
        final MacAddress mac;
        final EndpointRequest request;
        volatile int hostIndex;    // the host end of its veth while joined, else 0
        volatile String hostEnd;   // and its name, else null
        volatile SandboxContext sandbox; // the sandbox it is joined to, else null
        volatile int peerIndex;    // the pair's other end there, else 0

        BridgeEndpoint(MacAddress mac, EndpointRequest request) {
            this.mac = mac;
            this.request = request;
        }
    }
}
