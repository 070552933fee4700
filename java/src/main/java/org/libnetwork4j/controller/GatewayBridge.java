package org.libnetwork4j.controller;

import java.util.Map;

import org.libnetwork4j.Endpoint;
import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.Labels;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.NotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a container on overlay networks reaches out, as libnetwork's docker_gwbridge: an
 * overlay network gives its containers no gateway, so a sandbox whose endpoints are all of
 * global networks (and not internal) gets one more endpoint, {@code gateway_<sandbox id>}, on
 * the local bridge network {@value #NETWORK} (NAT out, no traffic between its containers),
 * which becomes its gateway endpoint; the ports its overlay endpoint asked to publish are
 * published on it. It goes when the sandbox's last overlay endpoint leaves, and, as
 * libnetwork's clearDefaultGW, when the sandbox joins an endpoint with a gateway of its own;
 * it comes back if that one leaves while overlay endpoints stay.
 *
 * <p>The network is made when the controller opens with a cluster store, so that a join only
 * finds it (the join's operation never makes a network). A container with an endpoint of its
 * own gateway (a bridge network) keeps its way out and gets none.
 */
final class GatewayBridge {
    /** The local bridge network, Docker's name for it. */
    static final String NETWORK = "docker_gwbridge";

    private static final Logger LOG = LoggerFactory.getLogger(GatewayBridge.class);

    private GatewayBridge() {
    }

    /** Makes the network if this host has none (a controller with a cluster store, at open). */
    static void ensure(Networks networks) {
        try {
            networks.byName(NETWORK);
        } catch (NotFoundException none) {
            try {
                networks.create("bridge", NETWORK, NetworkOptions.builder().options(Map.of(
                        Labels.BRIDGE_NAME, NETWORK, Labels.ENABLE_ICC, "false",
                        Labels.ENABLE_IP_MASQUERADE, "true")).build());
            } catch (RuntimeException e) {
                LOG.warn("{} not made: overlay containers will have no way out: {}", NETWORK, e.getMessage());
            }
        }
    }

    private static String endpointName(SandboxImpl sb) {
        return "gateway_" + sb.id().substring(0, 12);
    }

    /** Whether ep is the way out this class gave sb, rather than one of the caller's endpoints. */
    static boolean isWayOut(EndpointImpl ep, SandboxImpl sb) {
        return NETWORK.equals(ep.network().name()) && endpointName(sb).equals(ep.name());
    }

    /**
     * After ep joined sb: gives sb its way out if ep is an overlay endpoint and sb has none;
     * takes it away if ep is a local one that gives sb a gateway of its own.
     */
    static void attach(EndpointImpl ep, SandboxImpl sb, Registry<NetworkImpl> networks) {
        NetworkImpl n = ep.network();
        if (!n.isGlobal()) {
            NetworkImpl gw = networks.findByKey(NETWORK);
            if (gw != null && n != gw && givesGateway(ep, sb)) {
                // libnetwork logs a failure here and keeps the join: the sandbox has two ways
                // out, the elected gateway decides
                try {
                    remove(sb, gw);
                } catch (RuntimeException e) {
                    LOG.warn("{} of {} not removed after {} gave it a gateway", endpointName(sb), sb, ep, e);
                }
            }
            return;
        }
        if (n.internal() || hasWayOut(sb)) {
            return;
        }
        addFor(ep, sb, networks);
    }

    private static void addFor(EndpointImpl ep, SandboxImpl sb, Registry<NetworkImpl> networks) {
        NetworkImpl gw = networks.findByKey(NETWORK);
        if (gw == null) {
            throw new NotFoundException("network " + NETWORK + " not found: containers on overlay networks reach out"
                    + " through it (it is made when a controller with a cluster store opens)");
        }
        String name = endpointName(sb);
        EndpointOptions.Builder o = EndpointOptions.builder();
        ep.options().ports().forEach(o::publish);
        Endpoint g = gw.createEndpoint(name, o.build());
        try {
            g.join(sb);
        } catch (RuntimeException e) {
            try {
                g.delete();
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    private static boolean givesGateway(EndpointImpl ep, SandboxImpl sb) {
        sb.lock();
        try {
            Attachment a = sb.attachments().of(ep);
            return a != null && a.hasGateway();
        } finally {
            sb.unlock();
        }
    }

    private static boolean hasWayOut(SandboxImpl sb) {
        sb.lock();
        try {
            return sb.attachments().all().stream().anyMatch(Attachment::hasGateway);
        } finally {
            sb.unlock();
        }
    }

    /**
     * After ep left sb: the way out goes with the sandbox's last overlay endpoint, and comes
     * back when a local endpoint that was the sandbox's way out leaves while an overlay
     * endpoint that needs one stays (libnetwork's sbLeave, setupDefaultGW).
     */
    static void detach(EndpointImpl ep, SandboxImpl sb, Registry<NetworkImpl> networks) {
        NetworkImpl gw = networks.findByKey(NETWORK);
        if (!ep.network().isGlobal()) {
            if (gw == null || ep.network() == gw || hasWayOut(sb)) {
                return;
            }
            EndpointImpl overlay = null;
            sb.lock();
            try {
                for (Attachment a : sb.attachments().all()) {
                    NetworkImpl n = a.endpoint().network();
                    if (n.isGlobal() && !n.internal()) {
                        overlay = a.endpoint();
                        break;
                    }
                }
            } finally {
                sb.unlock();
            }
            if (overlay != null) {
                addFor(overlay, sb, networks);
            }
            return;
        }
        boolean overlaysLeft;
        sb.lock();
        try {
            overlaysLeft = sb.attachments().all().stream().anyMatch(a -> a.endpoint().network().isGlobal());
        } finally {
            sb.unlock();
        }
        if (overlaysLeft || gw == null) {
            return;
        }
        remove(sb, gw);
    }

    /**
     * Takes sb's endpoint on the network away, if it has one. Asked after every join of a
     * local endpoint with a gateway on a host with a cluster store, where it mostly has none:
     * looked up, not caught (an exception's stack costs ~10 us of that join).
     */
    private static void remove(SandboxImpl sb, NetworkImpl gw) {
        EndpointImpl g = gw.findEndpoint(endpointName(sb));
        if (g == null) {
            return; // it had its own way out, or it went already
        }
        try {
            if (sb.id().equals(g.info().sandboxId())) {
                g.leave(sb);
            }
            g.delete();
        } catch (NotFoundException gone) {
            // it went meanwhile
        }
    }
}
