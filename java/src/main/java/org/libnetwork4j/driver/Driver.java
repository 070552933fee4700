package org.libnetwork4j.driver;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.PortMapping;

/**
 * A network driver (libnetwork's {@code driverapi.Driver}), called by the controller, which
 * has already done the bookkeeping: names are unique, addresses come from IPAM, locks are held
 * in the controller's order. A driver changes the kernel only through
 * {@link org.libnetwork4j.kernel} (never JNI), in the host namespace of its {@link HostContext}
 * and in the sandbox namespaces it is handed.
 *
 * <p>Every method that makes something undoes what it made before it throws. Deleting what is
 * gone already succeeds.
 */
public interface Driver {

    /** "bridge", "host", "null". */
    String type();

    /**
     * Driver-wide settings (libnetwork's {@code OptionDriverConfig}), as strings.
     *
     * @throws org.libnetwork4j.InvalidParameterException for an unknown key or a bad value
     */
    default void configure(Map<String, String> options) {
        if (!options.isEmpty()) {
            throw new InvalidParameterException("driver \"" + type()
                    + "\" takes no options, got " + options.keySet());
        }
    }

    /**
     * Turns Docker-style network options ({@code -o key=value}) into this driver's typed
     * settings. Called once, before anything is allocated: the edge where strings stop.
     *
     * @throws org.libnetwork4j.InvalidParameterException naming an unknown key or a bad value
     */
    NetworkSettings parseNetworkOptions(Map<String, String> options);

    /** Only one network of this type may exist, and it cannot be deleted (host, null). */
    default boolean singleInstance() {
        return false;
    }

    /** Whether networks of this type get subnets and endpoints get addresses. */
    default boolean usesIpam() {
        return true;
    }

    /** Whether endpoints join the host's own namespace (the host driver) rather than a sandbox's. */
    default boolean joinsHostNamespace() {
        return false;
    }

    /** Creates the network in the kernel (for a bridge: the bridge and its gateway address). */
    void createNetwork(NetworkRequest request);

    /** Removes what createNetwork made. */
    void deleteNetwork(String networkId);

    /** What the driver reports about a network, for inspection. */
    default Map<String, String> networkInfo(String networkId) {
        return Map.of();
    }

    /** Prepares an endpoint; returns what it chose (a MAC). Makes nothing in the kernel yet. */
    EndpointSetup createEndpoint(EndpointRequest request);

    void deleteEndpoint(String networkId, String endpointId);

    /**
     * Makes the endpoint's interface inside the sandbox (for a bridge: a veth whose peer is
     * born there, named {@link SandboxContext#nextInterfaceName}); the controller then gives
     * it its addresses and routes.
     */
    JoinResult join(JoinRequest request);

    /**
     * The sandbox has given the endpoint's interface its addresses and brought it up; join
     * returns after this. Whatever the driver must do for traffic to flow at once goes here.
     */
    default void interfaceUp(String networkId, String endpointId) {
    }

    /**
     * Removes the endpoint's interface.
     *
     * @param sandboxGone the sandbox's namespace is being deleted: the kernel removes the
     *                    interface with it, so only bookkeeping is left to do
     */
    void leave(String networkId, String endpointId, boolean sandboxGone);

    /** The endpoint became its sandbox's gateway endpoint (published ports go live). */
    default void programExternalConnectivity(String networkId, String endpointId) {
    }

    /** The endpoint stopped being its sandbox's gateway endpoint. */
    default void revokeExternalConnectivity(String networkId, String endpointId) {
    }

    /** The endpoint's published ports as they are now. */
    default List<PortMapping> publishedPorts(String networkId, String endpointId) {
        return List.of();
    }

    // ---- restart: taking up what a controller before this one made ----
    //
    // None of these may disturb a live network: kernel objects that are there are taken as
    // they are; only what is missing is made, and only leftovers of interrupted work removed.

    /** What the driver must remember of a network across restarts (stored with it). */
    default Map<String, String> networkState(String networkId) {
        return Map.of();
    }

    /**
     * Takes up a network created before a restart, with the state {@link #networkState} gave:
     * its kernel objects as they are, or made again if they are gone (after a reboot).
     */
    default void restoreNetwork(NetworkRequest request, Map<String, String> state) {
        createNetwork(request);
    }

    /** Removes what an interrupted {@link #createNetwork} of this request may have left. */
    default void discardNetwork(NetworkRequest request) {
    }

    /**
     * Takes up an endpoint's join made before a restart: the interface {@code ifname} in the
     * sandbox as the kernel has it. Empty if the kernel no longer has it (then whatever is
     * left of it has been removed).
     */
    default Optional<JoinResult> restoreJoin(JoinRequest request, String ifname) {
        return Optional.of(JoinResult.NOTHING);
    }

    /** Removes what an interrupted join or leave of the endpoint left in the kernel. */
    default void discardJoin(String networkId, String endpointId) {
    }

    /**
     * Makes an endpoint's published ports live again after a restart, with the host ports
     * they had ({@code mappings}; empty: allocate as {@link #programExternalConnectivity}).
     *
     * @return the mappings whose host port could not be reserved again (another program took
     *         it meanwhile); their rules are in place
     */
    default List<PortMapping> restoreExternalConnectivity(String networkId, String endpointId,
            List<PortMapping> mappings) {
        programExternalConnectivity(networkId, endpointId);
        return List.of();
    }

    /**
     * Removes kernel objects of this driver that belong to no endpoint in {@code joined}
     * (interfaces of joins whose records were lost); returns what it removed, for the report.
     */
    default List<String> removeOrphans(Set<String> joined) {
        return List.of();
    }
}
