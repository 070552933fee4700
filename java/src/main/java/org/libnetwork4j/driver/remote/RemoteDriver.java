package org.libnetwork4j.driver.remote;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NotSupportedException;
import org.libnetwork4j.PortMapping;
import org.libnetwork4j.RetryableException;
import org.libnetwork4j.driver.Capabilities;
import org.libnetwork4j.driver.EndpointOperInfo;
import org.libnetwork4j.driver.EndpointRequest;
import org.libnetwork4j.driver.EndpointSetup;
import org.libnetwork4j.driver.JoinRequest;
import org.libnetwork4j.driver.JoinResult;
import org.libnetwork4j.driver.NetworkRequest;
import org.libnetwork4j.driver.NetworkSettings;
import org.libnetwork4j.driver.NodeDiscovery;
import org.libnetwork4j.driver.RestorableDriver;
import org.libnetwork4j.http.BadResponseException;
import org.libnetwork4j.http.ResponseTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Docker network plugin as a driver (libnetwork's remote driver): each method one call of
 * the plugin's {@code NetworkDriver} protocol (plugin API 1.2), as {@link
 * org.libnetwork4j.driver.Driver} maps them. The plugin makes the interface of a join in the
 * host namespace and names it (SrcName); the controller moves it into the sandbox under the
 * plugin's prefix (DstPrefix) and back out at leave ({@link JoinResult.Iface.ToMove}).
 *
 * <p>A plugin keeps its networks itself across restarts, as with dockerd, which never sends
 * CreateNetwork twice for one network: a restarted controller takes its networks up without a
 * call (a plugin would refuse to create an id it has), and joins as the store has them.
 * Only leftovers of work cut short are sent to the plugin again (DeleteNetwork, Leave).
 *
 * <p>Not called: EndpointOperInfo. Its answer is a free-form map with nothing this library
 * reads (published ports are the controller's only for its own drivers), and the controller
 * asks for it at every join and leave: a plugin slow to answer it would slow each of them.
 *
 * <p>This class makes the calls and undoes what a failed one may have made; the messages'
 * JSON, both ways, is {@link NetworkDriverMessages}'.
 */
public final class RemoteDriver implements RestorableDriver {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteDriver.class);

    private final PluginClient plugin;
    private final Capabilities capabilities;
    private final NetworkDriverMessages messages;

    private RemoteDriver(PluginClient plugin, Capabilities capabilities, NetworkDriverMessages messages) {
        this.plugin = plugin;
        this.capabilities = capabilities;
        this.messages = messages;
    }

    /**
     * Activates the plugin and asks for its capabilities, as dockerd does when a network
     * first names it.
     *
     * @param plugin the plugin
     * @return the driver
     * @throws NotSupportedException if the plugin does not implement {@code NetworkDriver}
     * @throws NetworkException      if a call fails ({@link PluginClient#call})
     */
    public static RemoteDriver activate(PluginClient plugin) {
        plugin.activateAs("NetworkDriver", "network driver");
        NetworkDriverMessages messages = new NetworkDriverMessages(plugin);
        JsonNode caps = plugin.call("NetworkDriver.GetCapabilities", NetworkDriverMessages.empty());
        Capabilities.Scope scope = messages.scope(caps, "Scope", Capabilities.Scope.LOCAL);
        Capabilities.Scope connectivity = messages.scope(caps, "ConnectivityScope", scope);
        LOG.info("activated network plugin {} ({} scope)", plugin, scope.label());
        return new RemoteDriver(plugin, new Capabilities(scope, connectivity, false, true, false), messages);
    }

    /**
     * Finds the plugin name with locator and activates it.
     *
     * @param locator where plugins are
     * @param name    the plugin's name, the driver's type
     * @param timeout how long one call may wait for its answer
     * @param retry   how long a call that cannot connect is tried again
     * @return the driver, or empty if no plugin of that name is there
     * @throws NetworkException if it is there but cannot be activated
     */
    public static Optional<RemoteDriver> load(PluginLocator locator, String name, Duration timeout, Duration retry) {
        return locator.find(name).map(address -> activate(new PluginClient(name, address, timeout, retry)));
    }

    @Override
    public String type() {
        return plugin.name();
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    /** Any option: the plugin gets them under {@code com.docker.network.generic}. */
    @Override
    public NetworkSettings parseNetworkOptions(Map<String, String> options) {
        return new NetworkDriverMessages.GenericOptions(Map.copyOf(options));
    }

    @Override
    public void createNetwork(NetworkRequest request) {
        callUndoingIfUnanswered("NetworkDriver.CreateNetwork",
                NetworkDriverMessages.createNetwork(request, capabilities.scope()), () -> deleteNetwork(request.id()));
    }

    /**
     * A call that makes something. If the plugin got it but its answer never came whole (it
     * hung, died or answered garbage), it may have made it: the undo is sent, best effort,
     * before the failure is thrown. An error the plugin answered made nothing, and a call that
     * could not connect was not sent.
     */
    private JsonNode callUndoingIfUnanswered(String method, JsonNode body, Runnable undo) {
        try {
            return plugin.call(method, body);
        } catch (ResponseTimeoutException | BadResponseException e) {
            undo(e, undo);
            throw e;
        }
    }

    @Override
    public void deleteNetwork(String networkId) {
        plugin.call("NetworkDriver.DeleteNetwork", NetworkDriverMessages.network(networkId));
    }

    /**
     * Sends the endpoint's addresses and the MAC asked for; the plugin may choose a MAC if none
     * was asked for, and must change nothing it was sent (libnetwork's rule): otherwise the
     * endpoint is deleted again and the create fails.
     */
    @Override
    public EndpointSetup createEndpoint(EndpointRequest request) {
        JsonNode reply = callUndoingIfUnanswered("NetworkDriver.CreateEndpoint",
                NetworkDriverMessages.createEndpoint(request),
                () -> deleteEndpoint(request.networkId(), request.endpointId()));
        try {
            return messages.endpointSetup(request, reply);
        } catch (NetworkException e) {
            undo(e, () -> deleteEndpoint(request.networkId(), request.endpointId()));
            throw e;
        }
    }

    /** See the class: the plugin is not asked. */
    @Override
    public EndpointOperInfo endpointOperInfo(String networkId, String endpointId) {
        return EndpointOperInfo.NONE;
    }

    @Override
    public void deleteEndpoint(String networkId, String endpointId) {
        plugin.call("NetworkDriver.DeleteEndpoint", NetworkDriverMessages.ids(networkId, endpointId));
    }

    /**
     * Join: SandboxKey is the sandbox's namespace path. The interface the plugin names (in the
     * host namespace) is for the controller to move in; what the answer says wrong (an
     * address that is none) undoes the join with Leave.
     */
    @Override
    public JoinResult join(JoinRequest request) {
        JsonNode reply = callUndoingIfUnanswered("NetworkDriver.Join", NetworkDriverMessages.join(request),
                () -> leave(request.networkId(), request.endpointId(), false));
        try {
            return messages.joinResult(request, reply);
        } catch (NetworkException e) {
            undo(e, () -> leave(request.networkId(), request.endpointId(), false));
            throw e;
        }
    }

    /** The protocol's Leave carries no hint that the namespace goes: sandboxGone is not sent. */
    @Override
    public void leave(String networkId, String endpointId, boolean sandboxGone) {
        plugin.call("NetworkDriver.Leave", NetworkDriverMessages.ids(networkId, endpointId));
    }

    @Override
    public void programExternalConnectivity(String networkId, String endpointId) {
        plugin.call("NetworkDriver.ProgramExternalConnectivity",
                NetworkDriverMessages.withOptions(networkId, endpointId));
    }

    @Override
    public void revokeExternalConnectivity(String networkId, String endpointId) {
        plugin.call("NetworkDriver.RevokeExternalConnectivity", NetworkDriverMessages.ids(networkId, endpointId));
    }

    @Override
    public void discoverNew(NodeDiscovery node) {
        plugin.call("NetworkDriver.DiscoverNew", NetworkDriverMessages.discovery(node));
    }

    @Override
    public void discoverDelete(NodeDiscovery node) {
        plugin.call("NetworkDriver.DiscoverDelete", NetworkDriverMessages.discovery(node));
    }

    // ---- after a restart ----

    /** Nothing: the plugin keeps its networks itself. */
    @Override
    public Map<String, String> networkState(String networkId) {
        return Map.of();
    }

    /**
     * Takes the network up without a call: the plugin has it already (dockerd never sends a
     * second CreateNetwork for it, and a plugin refuses an id it has).
     */
    @Override
    public void restoreNetwork(NetworkRequest request, Map<String, String> state) {
    }

    /**
     * A create or delete cut short: DeleteNetwork, in case the plugin has it. An error it
     * answers (it does not have the network) counts as gone; one that comes from not reaching
     * it keeps the record for the next start.
     */
    @Override
    public void discardNetwork(NetworkRequest request, Map<String, String> state) {
        try {
            deleteNetwork(request.id());
        } catch (NetworkException e) {
            if (unreachable(e)) {
                throw e;
            }
            LOG.info("discard network {}: {} (taken as gone)", request.name(), e.getMessage());
        }
    }

    /** None: the plugin's interfaces carry no label of ours; every join is stored before it returns. */
    @Override
    public Map<String, String> joinLabels() {
        return Map.of();
    }

    @Override
    public void prepareRecordedJoins(Set<String> endpointIds) {
    }

    /**
     * The join as the store has it: the plugin keeps its side. The controller does not know
     * the interface's index in the sandbox from here, so the join is taken up without one:
     * at its leave the plugin's Leave removes the interface where it is.
     */
    @Override
    public Optional<JoinResult> restoreJoin(JoinRequest request) {
        return Optional.of(JoinResult.NOTHING);
    }

    /** A join cut short: Leave, in case the plugin made something; its errors are logged. */
    @Override
    public void discardJoin(String networkId, String endpointId) {
        try {
            leave(networkId, endpointId, false);
        } catch (NetworkException e) {
            LOG.info("discard join of endpoint {}: {}", endpointId, e.getMessage());
        }
    }

    /** Nothing to call: the plugin kept its connectivity across the restart. */
    @Override
    public List<PortMapping> restoreExternalConnectivity(String networkId, String endpointId,
            List<PortMapping> mappings) {
        return List.of();
    }

    /** None: what a plugin made is the plugin's. */
    @Override
    public List<String> removeOrphans(Set<String> joined) {
        return List.of();
    }

    // ---- helpers ----

    /** Whether e says the plugin was not reached or did not answer, rather than what it answered. */
    private static boolean unreachable(NetworkException e) {
        return e instanceof RetryableException || e instanceof BadResponseException;
    }

    private static void undo(NetworkException e, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException again) {
            e.addSuppressed(again);
        }
    }

    @Override
    public String toString() {
        return "remote driver " + plugin;
    }
}
