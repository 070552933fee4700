package org.libnetwork4j;

import java.util.List;

/**
 * A network made by one driver (libnetwork's {@code Network}): a bridge with its subnet, the
 * host's own network, or none. Thread-safe.
 */
public interface Network {
    /**
     * 64 hex digits.
     *
     * @return the network's id, random, fixed at creation
     */
    String id();

    /** @return the name it was created with, unique among the controller's networks */
    String name();

    /**
     * The driver: "bridge", "host", "null".
     *
     * @return the driver type the network was created with
     */
    String type();

    /**
     * Creates an endpoint: an address from the network's pool, a MAC; the interface appears
     * in a sandbox when the endpoint joins it.
     *
     * @param name    unique in the network: letters, digits, '_', '.' and '-', starting with a
     *                letter or digit, at most 255 characters
     * @param options static addresses, MAC, published ports, aliases
     * @return the new endpoint, joined to no sandbox
     * @throws AlreadyExistsException    if the network has an endpoint of that name, or the
     *                                   static address is taken
     * @throws PoolExhaustedException    if no address is free
     * @throws InvalidParameterException if the name is invalid, or a static address is of a
     *                                   family the network has no subnet of
     * @throws NotFoundException         if the network is deleted or being deleted
     */
    Endpoint createEndpoint(String name, EndpointOptions options);

    /**
     * Creates an endpoint with {@link EndpointOptions#defaults()}: the next free address, the
     * driver's MAC, no published ports.
     *
     * @param name unique in the network, as for {@link #createEndpoint(String, EndpointOptions)}
     * @return the new endpoint, joined to no sandbox
     */
    default Endpoint createEndpoint(String name) {
        return createEndpoint(name, EndpointOptions.defaults());
    }

    /**
     * The network's endpoints, joined or not.
     *
     * @return a snapshot, not changed by later creates and deletes
     */
    List<Endpoint> endpoints();

    /**
     * The endpoint of that name.
     *
     * @param name the endpoint's name in this network
     * @return the endpoint
     * @throws NotFoundException if there is none
     */
    Endpoint endpointByName(String name);

    /**
     * By full id or a unique prefix.
     *
     * @param id the endpoint's 64 hex digits, or a prefix only its id starts with
     * @return the endpoint
     * @throws NotFoundException if there is none
     * @throws InvalidParameterException if id is empty, or a prefix of several endpoints' ids
     */
    Endpoint endpointById(String id);

    /**
     * What the network is now, as {@code docker network inspect} shows it.
     *
     * @return a snapshot of its settings and allocated subnets
     */
    NetworkInfo info();

    /**
     * Deletes the network and what its driver made (a bridge it created; an adopted bridge
     * stays).
     *
     * @throws ForbiddenException while it has endpoints, or for the host and null networks
     */
    void delete();
}
