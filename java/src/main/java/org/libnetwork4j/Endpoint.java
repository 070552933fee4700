package org.libnetwork4j;

/**
 * A network's attachment point for one container (libnetwork's {@code Endpoint}): its address
 * and MAC exist from creation; its interface exists while it is joined to a sandbox.
 * Thread-safe.
 */
public interface Endpoint {
    String id();

    String name();

    Network network();

    /**
     * Joins the sandbox: the interface appears in it (for a bridge, a veth whose peer is born
     * there, named by the network's interface prefix and the sandbox's counter: eth0, eth1...),
     * with its addresses, and becomes the sandbox's gateway endpoint if it ranks first.
     *
     * @throws ForbiddenException if the endpoint is joined already, or the sandbox is deleted
     */
    void join(Sandbox sandbox, JoinOption... options);

    /**
     * libnetwork's original form: joins the sandbox of containerId, creating it (with the
     * hostname and domain name given here) if the container has none. Returns it.
     */
    Sandbox join(String containerId, JoinOption... options);

    /**
     * Leaves the sandbox: the interface goes (for a veth, the kernel takes ~20 ms to delete it;
     * deleting the whole sandbox is far faster), and another endpoint may become the gateway.
     *
     * @throws ForbiddenException if the endpoint is not joined to this sandbox
     */
    void leave(Sandbox sandbox);

    /**
     * Deletes the endpoint and releases its addresses. Deleting twice succeeds.
     *
     * @param force leave the sandbox first if joined; without it a joined endpoint is a
     *              {@link ForbiddenException}
     */
    void delete(boolean force);

    default void delete() {
        delete(false);
    }

    EndpointInfo info();
}
