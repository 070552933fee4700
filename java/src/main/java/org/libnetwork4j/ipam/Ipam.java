package org.libnetwork4j.ipam;

import java.net.InetAddress;

/**
 * IP address management, libnetwork's {@code ipamapi.Ipam}: a network asks for a pool (its
 * subnet), then for addresses in it (the gateway, aux addresses, one per endpoint). Storage of
 * the allocations is the implementation's business; recovery replays reservations through
 * {@link #requestAddress} with the address wanted.
 *
 * <p>Implementations are thread-safe.
 */
public interface Ipam {

    /**
     * Reserves a pool: the subnet asked for, or, with none, the first predefined one that
     * overlaps neither another pool nor the host's networks.
     *
     * @param request the subnet and range wanted, or the family of a pool to choose
     * @return the pool reserved: its id for the address requests, its subnet, the range its
     *         dynamic addresses come from
     * @throws org.libnetwork4j.InvalidParameterException for a malformed request
     * @throws org.libnetwork4j.ForbiddenException if the subnet overlaps a pool in use
     * @throws org.libnetwork4j.PoolExhaustedException if no predefined pool is free
     */
    Pool requestPool(PoolRequest request);

    /**
     * Releases a pool and every address in it. Releasing an unknown pool does nothing.
     *
     * @param poolId the pool's id ({@link Pool#id})
     */
    void releasePool(String poolId);

    /**
     * Reserves {@code preferred} in the pool, or with null the lowest free address of its
     * range (never the network address, the IPv4 broadcast address, or one reserved already).
     *
     * @param poolId    the pool's id ({@link Pool#id})
     * @param preferred the address wanted, anywhere in the subnet; null for the next free one
     * @return the address reserved, preferred itself when one was given
     * @throws org.libnetwork4j.AlreadyExistsException if preferred is taken
     * @throws org.libnetwork4j.InvalidParameterException if preferred is outside the subnet
     * @throws org.libnetwork4j.PoolExhaustedException if no address is free
     * @throws org.libnetwork4j.NotFoundException if the pool is unknown
     */
    InetAddress requestAddress(String poolId, InetAddress preferred);

    /**
     * Reserves a network's gateway: {@link #requestAddress}, which an implementation may tell
     * apart (Docker's IPAM plugins are told, with option {@code RequestAddressType}).
     *
     * @param poolId    the pool's id ({@link Pool#id})
     * @param preferred the gateway wanted, or null for the implementation's choice
     * @return the gateway reserved
     * @throws org.libnetwork4j.NetworkException as {@link #requestAddress}
     */
    default InetAddress requestGateway(String poolId, InetAddress preferred) {
        return requestAddress(poolId, preferred);
    }

    /**
     * Whether a restart asks this IPAM again for the pools and addresses the store has
     * ({@link #requestPool} with the subnet, {@link #requestAddress} with each address):
     * true for one that keeps nothing across restarts; false for one that keeps its own
     * state (a Docker IPAM plugin), whose pool ids the store keeps instead.
     *
     * @return true (the default) if the store's allocations are requested again at a restart
     */
    default boolean replaysAtRestart() {
        return true;
    }

    /**
     * Releases an address. Releasing one that is not reserved does nothing.
     *
     * @param poolId  the pool's id ({@link Pool#id}); an unknown pool does nothing
     * @param address the address, as {@link #requestAddress} gave it
     */
    void releaseAddress(String poolId, InetAddress address);
}
