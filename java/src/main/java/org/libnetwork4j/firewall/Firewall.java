package org.libnetwork4j.firewall;

import java.net.InetAddress;
import java.util.List;
import java.util.function.Consumer;

import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.PortMapping;
import org.libnetwork4j.Protocol;
import org.libnetwork4j.kernel.Conntrack;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.kernel.Nftables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libnetwork4j's firewall in one host namespace: the rules of {@link Ruleset}, kept equal to the
 * state (networks, published ports) through libnftables, in-process.
 *
 * <p><b>Self-healing.</b> Every change is one transaction of a few set elements. Before it, the
 * namespace's nftables generation is compared with the one our last transaction left: every
 * committed transaction increments it, whoever makes it, so if it moved, someone else has
 * changed nftables (perhaps flushed or deleted our tables) and ours are rebuilt from the state,
 * in one transaction, before anything else. A generation that moved by more than our own
 * commit across our transaction (someone committed meanwhile) also triggers a rebuild. So the
 * tables come back at the latest on the next change, exactly as the state requires, without
 * rules of anything deleted; {@link #reload} does it on demand.
 *
 * <p><b>Only while needed.</b> Our tables exist while there is something to hold (a network,
 * a port): they are made with the first network and deleted with the last. A controller that
 * only looks (a read-only {@code lnw network ls}, a controller opened on an empty state)
 * leaves the host's nftables as it found them, and one opened after everything was deleted
 * removes tables a crashed process left behind.
 *
 * <p>Thread-safe: one monitor (changes are a few hundred microseconds).
 */
public final class Firewall implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Firewall.class);
    private final Nftables nft;
    private final Conntrack conntrack;
    private final FirewallState state = new FirewallState();
    private long generation = -1; // after our last transaction; -1: no tables of ours in the kernel
    private boolean dirty = true; // the kernel may not hold the state: rebuild before trusting it
    private boolean restoring;    // collecting the state of a restart: no transaction until the end
    private long rebuilds;

    /**
     * Opens libnftables in host; nothing is written until there is something to hold.
     *
     * @param host the namespace whose nftables this firewall keeps; it need not stay open
     *             once the firewall is made
     * @throws org.libnetwork4j.NetworkException if libnftables or the conntrack socket cannot
     *         be opened there; nothing is left open
     */
    public Firewall(Netns host) {
        this.nft = Nftables.open(host);
        try {
            this.conntrack = Conntrack.open(host);
        } catch (RuntimeException e) {
            nft.close();
            throw e;
        }
    }

    /**
     * Puts the embedded resolver's restart rules into a namespace that holds only its
     * listeners and containers' ports (an overlay network's, see
     * {@link Ruleset#resolverNamespace}): while no resolver listens, a container's query there
     * gets no refusal and is asked again at the client's retry, as on a bridge. The table goes
     * with the namespace.
     *
     * @param ns the namespace; it need not stay open afterwards
     * @throws NetworkException if nftables refuses; nothing is changed then
     */
    public static void guardResolverNamespace(Netns ns) {
        try (Nftables nft = Nftables.open(ns)) {
            nft.apply(Ruleset.resolverNamespace());
        }
    }

    /**
     * Adds a bridge network's rules: its bridge, subnets and gateways as elements of the sets
     * its settings call for (masquerade or SNAT, internal, resolver).
     *
     * @param n the network's rules
     * @throws NetworkException if nftables refuses; the firewall then holds nothing of the
     *         network
     */
    public synchronized void addNetwork(NetworkRules n) {
        state.putNetwork(n);
        try {
            sync(Ruleset.addNetwork(n));
        } catch (RuntimeException e) {
            state.removeNetwork(n.bridge());
            dirty = true;
            throw e;
        }
    }

    /**
     * Removing a network the firewall does not know succeeds.
     *
     * @param bridge the network's bridge ({@link NetworkRules#bridge})
     * @throws NetworkException if nftables refuses; the network is forgotten all the same, and
     *         the next change rebuilds the tables without it
     */
    public synchronized void removeNetwork(String bridge) {
        NetworkRules n = state.removeNetwork(bridge);
        if (n != null) {
            syncOrMarkDirty(Ruleset.removeNetwork(n));
        }
    }

    /**
     * Makes an endpoint's port mappings live (DNAT from the host's addresses).
     *
     * @param endpointId the endpoint, written as a comment on its elements
     * @param mappings   the mappings, host ports chosen (see
     *                   {@link org.libnetwork4j.portmapper.PortMapper#map}); empty does nothing
     * @throws NetworkException if nftables refuses; none of the endpoint's mappings is then held
     */
    public synchronized void publish(String endpointId, List<PortMapping> mappings) {
        if (mappings.isEmpty()) {
            return;
        }
        state.publish(endpointId, mappings);
        try {
            sync(Ruleset.publish(endpointId, mappings));
        } catch (RuntimeException e) {
            state.unpublish(endpointId);
            dirty = true;
            throw e;
        }
    }

    /**
     * Takes them away. Unpublishing what is not published succeeds.
     *
     * @param endpointId the endpoint whose mappings go
     * @throws NetworkException if nftables refuses; the mappings are forgotten all the same,
     *         and the next change rebuilds the tables without them
     */
    public synchronized void unpublish(String endpointId) {
        List<PortMapping> ms = state.unpublish(endpointId);
        if (!ms.isEmpty()) {
            syncOrMarkDirty(Ruleset.unpublish(ms));
        }
    }

    /**
     * Forgets the tracked connections of an address whose published ports were taken away,
     * so that their flows (UDP's especially, refreshed by every packet) stop reaching it.
     * Outside the monitor: it does not touch the rules.
     *
     * @param ip the endpoint's address, IPv4 or IPv6
     * @return how many tracked connections were deleted
     */
    public int forgetConnections(InetAddress ip) {
        return conntrack.flush(ip);
    }

    /**
     * Forgets the flows sent to a host port (see {@link Conntrack#flushPort}): for a port just
     * published, so that a flow that was already sending to it is NATed to the container.
     *
     * @param proto the port's protocol
     * @param port  the host port
     * @return the number of entries deleted
     */
    public int forgetFlowsTo(Protocol proto, int port) {
        return conntrack.flushPort(proto, port);
    }

    /**
     * Rebuilds our tables from the state now (after someone else changed nftables, say).
     *
     * @throws NetworkException if nftables refuses; the next change tries again
     */
    public synchronized void reload() {
        rebuild();
    }

    /**
     * The full text the tables are rebuilt from (for inspection and tests).
     *
     * @return one nft transaction: our tables deleted and made again with every element
     */
    public synchronized String render() {
        return Ruleset.full(state);
    }

    /**
     * How many times the tables were rebuilt (for tests and metrics).
     *
     * @return the rebuilds that succeeded since this firewall was opened, removals of our
     *         tables included
     */
    public synchronized long rebuilds() {
        return rebuilds;
    }

    /**
     * Collects the state of everything alive after a restart (the calls {@code fill} makes
     * change the state only), then replaces our tables with it in one transaction: the rules
     * of live networks and ports never go missing, not even for a packet, and nothing of
     * anything deleted meanwhile stays.
     *
     * @param fill adds everything alive through this firewall's methods, on the calling
     *             thread; if it throws, the tables are left as they are
     * @throws NetworkException if nftables refuses the rebuild; the next change tries again
     */
    public synchronized void restore(Runnable fill) {
        restoring = true;
        try {
            fill.run();
        } finally {
            restoring = false;
        }
        rebuild();
    }

    /** Applies an incremental change, or rebuilds if the kernel may not match our state. */
    private void sync(String incremental) {
        if (restoring) {
            return; // restore() writes it all at the end
        }
        long before = nft.generation();
        // without tables (generation -1) the first thing to hold installs them; the last one
        // gone removes them
        if (dirty || before != generation || state.isEmpty()) {
            if (!dirty && generation != -1 && before != generation && !state.isEmpty()) {
                LOG.info("nftables changed under us (generation {} -> {}): rebuilding our tables", generation, before);
            }
            rebuild();
            return;
        }
        try {
            nft.apply(incremental);
        } catch (NetworkException e) {
            // The kernel refused a change that follows from a state it held a moment ago:
            // rebuild from the state rather than guess what is missing.
            LOG.info("nftables refused an incremental change ({}): rebuilding our tables", e.getMessage());
            rebuild();
            return;
        }
        long after = nft.generation();
        if (after != before + 1) {
            LOG.info("someone else committed to nftables while we did: rebuilding our tables");
            rebuild(); // someone else committed while we did: check by rebuilding
        } else {
            generation = after;
        }
    }

    /** For removals: the state no longer has it; if the kernel cannot follow, rebuild later. */
    private void syncOrMarkDirty(String incremental) {
        try {
            sync(incremental);
        } catch (RuntimeException e) {
            dirty = true;
            throw e;
        }
    }

    private void rebuild() {
        try {
            if (state.isEmpty()) {
                if (exists(Ruleset.TABLE) || exists(Ruleset.BRIDGE_TABLE)) {
                    nft.apply(Ruleset.removeAll());
                }
                generation = -1;
            } else {
                if (!exists(Ruleset.USER_TABLE)) {
                    // made once, for the administrator; never flushed or deleted by us
                    nft.apply(Ruleset.userTable());
                }
                applyFull(nft::apply, Ruleset.full(state));
                generation = nft.generation();
            }
            dirty = false;
            rebuilds++;
        } catch (RuntimeException e) {
            dirty = true;
            throw e;
        }
    }

    /**
     * Applies a full rebuild, and once more if the kernel refuses it. The rebuild is
     * self-contained (our tables deleted and made again in one transaction), so a refusal that
     * follows from the state (two elements that clash, say) comes again and is thrown; one
     * that does not, does not. CI saw such a refusal once, when a controller reopened after a
     * crash: EEXIST against the rebuild's first command, {@code add table}, which the kernel
     * cannot answer that way. libnftables 1.0.6 pairs the kernel's answers with commands by
     * sequence number alone and reports a failed commit against the first command, so it was
     * either a stray answer or a commit that failed for a passing reason.
     */
    static void applyFull(Consumer<String> apply, String full) {
        try {
            apply.accept(full);
        } catch (NetworkException first) {
            LOG.warn("nftables refused a rebuild of our tables ({}): trying once more", first.getMessage());
            try {
                apply.accept(full);
            } catch (NetworkException again) {
                again.addSuppressed(first);
                throw again;
            }
        }
    }

    private boolean exists(String table) {
        try {
            nft.listJson("list table " + table);
            return true;
        } catch (NotFoundException absent) {
            return false;
        }
    }

    /** Releases libnftables and the conntrack socket; the rules stay in the kernel. */
    @Override
    public void close() {
        try {
            conntrack.close();
        } finally {
            nft.close();
        }
    }
}
