package org.libnetwork4j.driver;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

import org.libnetwork4j.InvalidParameterException;

/**
 * A network driver, libnetwork's {@code driverapi.Driver}: the verbs the controller calls, in
 * the words of Docker's remote driver protocol, so that a remote plugin maps onto it one to
 * one. The controller has done the bookkeeping before each call: names are unique, addresses
 * come from IPAM, locks are held in the controller's order. A driver changes the kernel only
 * through {@link org.libnetwork4j.kernel} (never JNI), in the host namespace of its
 * {@link HostContext} and in the sandbox namespaces it is handed.
 *
 * <table>
 * <caption>Docker's remote driver protocol (plugin API 1.2) and this interface</caption>
 * <tr><th>protocol call</th><th>method</th></tr>
 * <tr><td>NetworkDriver.GetCapabilities</td><td>{@link #capabilities}</td></tr>
 * <tr><td>NetworkDriver.CreateNetwork / DeleteNetwork</td><td>{@link #createNetwork} / {@link #deleteNetwork}</td></tr>
 * <tr><td>NetworkDriver.CreateEndpoint / DeleteEndpoint</td><td>{@link #createEndpoint} / {@link #deleteEndpoint}</td></tr>
 * <tr><td>NetworkDriver.EndpointOperInfo</td><td>{@link #endpointOperInfo}</td></tr>
 * <tr><td>NetworkDriver.Join / Leave</td><td>{@link #join} / {@link #leave}</td></tr>
 * <tr><td>NetworkDriver.ProgramExternalConnectivity / RevokeExternalConnectivity</td>
 *     <td>{@link #programExternalConnectivity} / {@link #revokeExternalConnectivity}</td></tr>
 * <tr><td>NetworkDriver.DiscoverNew / DiscoverDelete</td><td>{@link #discoverNew} / {@link #discoverDelete}</td></tr>
 * </table>
 * The protocol's AllocateNetwork and FreeNetwork belong to swarm mode's managers and have no
 * counterpart. The options of CreateNetwork arrive here parsed ({@link #parseNetworkOptions}).
 *
 * <p>Every method that makes something undoes what it made before it throws. Deleting what is
 * gone already succeeds. A driver that keeps state in the kernel across a controller's restart
 * also implements {@link RestorableDriver}.
 */
public interface Driver {

    /** "bridge", "host", "null". */
    String type();

    /** What kind of networks this driver makes (GetCapabilities). */
    Capabilities capabilities();

    /**
     * Driver-wide settings (libnetwork's {@code OptionDriverConfig}), as strings.
     *
     * @throws InvalidParameterException for an unknown key or a bad value
     */
    default void configure(Map<String, String> options) {
        if (!options.isEmpty()) {
            throw new InvalidParameterException("driver \"" + type() + "\" takes no options, got " + options.keySet());
        }
    }

    /**
     * Turns Docker-style network options ({@code -o key=value}) into this driver's typed
     * settings. Called once, before anything is allocated: the edge where strings stop.
     *
     * @throws InvalidParameterException naming an unknown key or a bad value
     */
    NetworkSettings parseNetworkOptions(Map<String, String> options);

    /** Creates the network in the kernel (for a bridge: the bridge and its gateway address). */
    void createNetwork(NetworkRequest request);

    /** Removes what createNetwork made. */
    void deleteNetwork(String networkId);

    /**
     * Where, in the host's namespace, the containers of a network reach a resolver the
     * controller runs for them: for a bridge, its gateway addresses. Empty (the default): the
     * network gets no embedded DNS, and its containers keep the host's nameservers.
     */
    default List<InetAddress> resolverAddresses(String networkId) {
        return List.of();
    }

    /** What the driver reports about a network, for inspection. */
    default Map<String, String> networkInfo(String networkId) {
        return Map.of();
    }

    /** Prepares an endpoint; returns what it chose (a MAC). Need not touch the kernel yet. */
    EndpointSetup createEndpoint(EndpointRequest request);

    void deleteEndpoint(String networkId, String endpointId);

    /** What the endpoint is now, beyond its addresses: its published ports. */
    default EndpointOperInfo endpointOperInfo(String networkId, String endpointId) {
        return EndpointOperInfo.NONE;
    }

    /**
     * Makes the endpoint's interface for the sandbox: either inside it already (for a bridge,
     * a veth whose peer is born there under {@link SandboxContext#nextInterfaceName}) or in
     * the host namespace for the sandbox to move in (Docker's SrcName and DstPrefix). The
     * sandbox then gives it its addresses, brings it up and routes through it.
     */
    JoinResult join(JoinRequest request);

    /**
     * Removes the endpoint's interface.
     *
     * @param sandboxGone the sandbox's namespace is being deleted: the kernel removes the
     *                    interface with it, so only bookkeeping is left to do (the protocol's
     *                    Leave carries no such hint; a remote driver is told plainly)
     */
    void leave(String networkId, String endpointId, boolean sandboxGone);

    /** The endpoint became its sandbox's gateway endpoint (published ports go live). */
    default void programExternalConnectivity(String networkId, String endpointId) {
    }

    /** The endpoint stopped being its sandbox's gateway endpoint. */
    default void revokeExternalConnectivity(String networkId, String endpointId) {
    }

    /** A node joined the cluster (a multi-host driver programs its peers). */
    default void discoverNew(NodeDiscovery node) {
    }

    /** A node left the cluster. */
    default void discoverDelete(NodeDiscovery node) {
    }
}
