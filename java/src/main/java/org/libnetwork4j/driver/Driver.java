package org.libnetwork4j.driver;

import java.util.Map;

import org.libnetwork4j.InvalidParameterException;

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
    default java.util.List<org.libnetwork4j.PortMapping> publishedPorts(String networkId, String endpointId) {
        return java.util.List.of();
    }
}
