package org.libnetwork4j;

import java.util.List;

/**
 * A network made by one driver (libnetwork's {@code Network}): a bridge with its subnet, the
 * host's own network, or none. Thread-safe.
 */
public interface Network {
    /** 64 hex digits. */
    String id();

    String name();

    /** The driver: "bridge", "host", "null". */
    String type();

    /**
     * Creates an endpoint: an address from the network's pool, a MAC; the interface appears
     * in a sandbox when the endpoint joins it.
     *
     * @throws AlreadyExistsException if the network has an endpoint of that name, or the
     *                                static address is taken
     * @throws PoolExhaustedException if no address is free
     */
    Endpoint createEndpoint(String name, EndpointOptions options);

    default Endpoint createEndpoint(String name) {
        return createEndpoint(name, EndpointOptions.defaults());
    }

    List<Endpoint> endpoints();

    /** @throws NotFoundException if there is none */
    Endpoint endpointByName(String name);

    /** By full id or a unique prefix. @throws NotFoundException if there is none */
    Endpoint endpointById(String id);

    NetworkInfo info();

    /**
     * Deletes the network and what its driver made (a bridge it created; an adopted bridge
     * stays).
     *
     * @throws ForbiddenException while it has endpoints, or for the host and null networks
     */
    void delete();
}
