package org.libnetwork4j.driver.overlay;

/**
 * Hands out the VXLAN network identifiers of overlay networks created without Docker's
 * {@code com.docker.network.driver.overlay.vxlanid_list} option. A network's VNI must be the
 * same on every host of the cluster, so a cluster implementation (etcd) gives the VNI already
 * allocated to a network id to every host that asks. {@link MemoryVniAllocator} serves tests
 * and single-JVM labs. Implementations are thread-safe.
 */
public interface VniAllocator {

    /**
     * The network's VNI: the one it has, or a free one allocated to it now.
     *
     * @param networkId the network's id
     * @return its VNI, 1 to 16777215; the same on every call until {@link #release}
     * @throws org.libnetwork4j.PoolExhaustedException if no VNI is free
     * @throws org.libnetwork4j.NetworkException if the allocator cannot be reached
     */
    int allocate(String networkId);

    /**
     * Reserves VNIs a network was given (Docker's vxlanid_list), so that no other network
     * gets them, here or, for a cluster implementation, on another host. Reserving what the
     * same network holds already succeeds; {@link #release} gives them back.
     *
     * @param networkId the network's id
     * @param vnis      the VNIs it was given
     * @throws org.libnetwork4j.ForbiddenException if one is another network's
     * @throws org.libnetwork4j.NetworkException if the allocator cannot be reached
     */
    void reserve(String networkId, java.util.List<Integer> vnis);

    /**
     * This host no longer needs the network's VNIs, allocated or reserved (the network is
     * deleted here). A cluster
     * implementation frees it once no host holds the network. Idempotent.
     *
     * @param networkId the network's id
     * @throws org.libnetwork4j.NetworkException if the allocator cannot be reached
     */
    void release(String networkId);
}
