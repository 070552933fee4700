package org.libnetwork4j.driver;

import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    /**
     * "bridge", "host", "null".
     *
     * @return the type that names this driver in
     *         {@link org.libnetwork4j.NetworkController#newNetwork}; unique among a controller's
     *         drivers, and the same on every call
     */
    String type();

    /**
     * What kind of networks this driver makes (GetCapabilities).
     *
     * @return the same capabilities on every call: the controller asks again whenever it needs
     *         them (a create, a join, a delete)
     */
    Capabilities capabilities();

    /**
     * Driver-wide settings (libnetwork's {@code OptionDriverConfig}), as strings. The default
     * takes none: it refuses any option.
     *
     * @param options the settings by key, an immutable copy of what was given to
     *                {@link org.libnetwork4j.NetworkController#configureNetworkDriver}
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
     * @param options the network's options, without the generic ones the controller reads
     *                itself ({@link org.libnetwork4j.Labels#ENABLE_IPV6},
     *                {@link org.libnetwork4j.Labels#INTERNAL},
     *                {@link org.libnetwork4j.Labels#CONTAINER_IFACE_PREFIX})
     * @return the settings, handed back in {@link NetworkRequest#settings}; they are not
     *         stored: a restarted controller parses the stored options again
     * @throws InvalidParameterException naming an unknown key or a bad value
     */
    NetworkSettings parseNetworkOptions(Map<String, String> options);

    /**
     * Creates the network in the kernel (for a bridge: the bridge and its gateway address).
     * Called once its subnets are reserved in IPAM and its intent is stored: a crash before
     * its record is complete is undone at the next start
     * ({@link RestorableDriver#discardNetwork}); a later step of the create that fails is
     * undone with {@link #deleteNetwork}. Creates of other networks may run at the same time,
     * on other threads. A restarted controller calls it again for each stored network of a
     * driver that is not a {@link RestorableDriver}.
     *
     * @param request the network: its id and name, the settings {@link #parseNetworkOptions}
     *                gave, its subnets with their gateways
     * @throws org.libnetwork4j.ForbiddenException if a kernel object the network needs is held
     *         by another network (for a bridge, its bridge's name)
     * @throws org.libnetwork4j.NotFoundException if a link it builds on is not there (the
     *         parent of a macvlan network)
     * @throws org.libnetwork4j.NetworkException for what the kernel refuses, typed by its
     *         cause
     */
    void createNetwork(NetworkRequest request);

    /**
     * Removes what createNetwork made. Called once the network has no endpoint and can take
     * no new one, and its record says it is being deleted; never for a single-instance
     * driver ({@link Capabilities#singleInstance}). Also undoes a create whose later step
     * failed.
     *
     * @param networkId the network's id ({@link NetworkRequest#id})
     * @throws org.libnetwork4j.NetworkException if the kernel refuses: the network stays, open
     *         to new endpoints again, and a later delete calls this again
     */
    void deleteNetwork(String networkId);

    /**
     * Where the containers of a network reach a resolver the controller runs for them: for a
     * bridge, its gateway addresses in the host namespace. Asked at the network's first join on
     * this host (the controller's resolver listens from then on), once a restarted controller
     * has taken the network up, and after each join for as long as the answer is empty: a
     * driver whose namespace for the network comes with this host's first join (an overlay
     * network's) names the site then.
     *
     * @param networkId a network this driver made or took up
     * @return the site; {@link ResolverSite#NONE} for a network without one (the containers
     *         keep the host's nameservers; the default); empty while it is not known yet (the
     *         controller then asks again after every join)
     */
    default Optional<ResolverSite> resolverSite(String networkId) {
        return Optional.of(ResolverSite.NONE);
    }

    /**
     * What the driver reports about a network, for inspection.
     *
     * @param networkId a network of this driver
     * @return keys and values for {@link org.libnetwork4j.NetworkInfo#driverInfo}; empty by
     *         default
     */
    default Map<String, String> networkInfo(String networkId) {
        return Map.of();
    }

    /**
     * Prepares an endpoint; returns what it chose (a MAC). Need not touch the kernel yet.
     * Called once the endpoint's addresses are reserved in IPAM; if its record then cannot be
     * stored, the controller calls {@link #deleteEndpoint}. A restarted controller calls it
     * again for each stored endpoint of a network it took up (with the stored MAC asked for),
     * before it takes up the endpoint's join.
     *
     * @param request the endpoint: its network and id, its addresses, the MAC asked for, the
     *                ports to publish
     * @return what the driver chose; its MAC is stored with the endpoint
     * @throws org.libnetwork4j.NotFoundException if the network is not one of this driver's
     * @throws InvalidParameterException for what the driver does not offer (published ports
     *         on a macvlan or ipvlan network)
     */
    EndpointSetup createEndpoint(EndpointRequest request);

    /**
     * Forgets an endpoint, undoing {@link #createEndpoint}. Called once it has left its
     * sandbox (after {@link #leave}), when it never joined one, when its record could not be
     * stored, and when a sandbox's delete takes it along.
     *
     * @param networkId  the endpoint's network
     * @param endpointId the endpoint ({@link EndpointRequest#endpointId})
     * @throws org.libnetwork4j.NetworkException if what the driver made cannot be removed; the
     *         controller still removes the endpoint's record and releases its addresses, then
     *         throws it
     */
    void deleteEndpoint(String networkId, String endpointId);

    /**
     * What the endpoint is now, beyond its addresses: its published ports. Asked for a
     * sandbox's endpoints after each join to it and leave from it (the host ports chosen are
     * stored), and by {@link org.libnetwork4j.Endpoint#info}.
     *
     * @param networkId  the endpoint's network
     * @param endpointId the endpoint
     * @return its state now; {@link EndpointOperInfo#NONE} by default
     */
    default EndpointOperInfo endpointOperInfo(String networkId, String endpointId) {
        return EndpointOperInfo.NONE;
    }

    /**
     * Makes the endpoint's interface for the sandbox: either inside it already (for a bridge,
     * a veth whose peer is born there under {@link SandboxContext#nextInterfaceName}) or in
     * the host namespace for the sandbox to move in (Docker's SrcName and DstPrefix). The
     * sandbox then gives it its addresses, brings it up and routes through it.
     *
     * <p>Called with the endpoint's and the sandbox's locks held; joins to other sandboxes
     * run at the same time, on other threads. If a later step of the join fails, the
     * controller undoes it with {@link #leave}, {@code sandboxGone} false.
     *
     * @param request the endpoint, the sandbox, the network's prefix for interface names and
     *                the join's label
     * @return the interface made, its gateways and what to run once it is up
     * @throws org.libnetwork4j.NotFoundException if the network or the endpoint is not this
     *         driver's
     * @throws org.libnetwork4j.ForbiddenException if the network takes no more joins (a
     *         macvlan network in passthru mode, whose parent one endpoint holds)
     * @throws org.libnetwork4j.NetworkException for what the kernel refuses, typed by its
     *         cause; nothing of the join is left
     */
    JoinResult join(JoinRequest request);

    /**
     * Removes the endpoint's interface. Called after the sandbox has moved an interface it
     * moved in ({@link JoinResult.Iface.ToMove}) back to the host, and after
     * {@link #revokeExternalConnectivity} if the endpoint was the gateway endpoint; also
     * undoes a join whose later step failed. If it throws while the sandbox stays, the
     * endpoint stays joined, and the gateway endpoint again if it was.
     *
     * @param networkId   the endpoint's network
     * @param endpointId  the endpoint leaving
     * @param sandboxGone the sandbox's namespace is being deleted: the kernel removes the
     *                    interface with it, so only bookkeeping is left to do (the protocol's
     *                    Leave carries no such hint; a remote driver is told plainly)
     */
    void leave(String networkId, String endpointId, boolean sandboxGone);

    /**
     * A leave from a namespace that stays and is not the controller's (a runtime's: a CNI DEL,
     * a sandbox that adopted a namespace), where every container's leave pays for the
     * interface's removal. The driver may take the interface out of service before this
     * returns and finish removing it in the background, as long as nothing of it can carry
     * traffic, its names are free for the next join, and a restart finishes what a crash cut
     * short. Not for a join's rollback, which must leave nothing behind by the time it throws.
     * This default is the plain {@link #leave}.
     *
     * @param networkId  the endpoint's network
     * @param endpointId the endpoint leaving a sandbox that stays
     */
    default void leaveAdopted(String networkId, String endpointId) {
        leave(networkId, endpointId, false);
    }

    /**
     * The endpoint became its sandbox's gateway endpoint (published ports go live). Called
     * once the sandbox's default routes through it are in place, when it joins with the best
     * claim or the gateway endpoint before it goes; the previous one's connectivity is revoked
     * first, so at most one endpoint of a sandbox has it. A restarted controller calls it for
     * each sandbox's gateway endpoint of a driver that is not a {@link RestorableDriver}.
     *
     * @param networkId  the endpoint's network
     * @param endpointId the sandbox's new gateway endpoint
     * @throws org.libnetwork4j.AlreadyExistsException if a host port is taken; nothing of the
     *         endpoint is published then, and it does not become the gateway endpoint
     */
    default void programExternalConnectivity(String networkId, String endpointId) {
    }

    /**
     * The endpoint stopped being its sandbox's gateway endpoint: before its {@link #leave},
     * or when an endpoint with a better claim joins the sandbox (the old default routes are
     * gone already). Called only for an endpoint whose connectivity was programmed.
     *
     * @param networkId  the endpoint's network
     * @param endpointId the sandbox's gateway endpoint until now
     */
    default void revokeExternalConnectivity(String networkId, String endpointId) {
    }

    /**
     * A node joined the cluster (a multi-host driver programs its peers). The default
     * controller has no cluster and never calls it.
     *
     * @param node the node that joined
     */
    default void discoverNew(NodeDiscovery node) {
    }

    /**
     * A node left the cluster. The default controller has no cluster and never calls it.
     *
     * @param node the node that left
     */
    default void discoverDelete(NodeDiscovery node) {
    }
}
