package org.libnetwork4j;

/**
 * A network's attachment point for one container (libnetwork's {@code Endpoint}): its address
 * and MAC exist from creation; its interface exists while it is joined to a sandbox.
 * Thread-safe.
 */
public interface Endpoint {
    /** @return the endpoint's id: 64 hex digits, random, fixed at creation */
    String id();

    /** @return the name it was created with, unique among its network's endpoints */
    String name();

    /** @return the network the endpoint was created on */
    Network network();

    /**
     * Joins the sandbox: the interface appears in it (for a bridge, a veth whose peer is born
     * there, named by the network's interface prefix and the sandbox's counter: eth0, eth1...),
     * with its addresses, and becomes the sandbox's gateway endpoint if it ranks first.
     *
     * @param sandbox the sandbox to join: one made with {@link SandboxOptions#useHostNamespace}
     *                if and only if this is an endpoint of the host network, else a
     *                {@link ForbiddenException}
     * @param options {@link JoinOption.Priority} and {@link JoinOption.InterfaceName} apply;
     *                hostname and domain name are ignored, the sandbox exists already
     * @throws ForbiddenException if the endpoint is joined already, or the sandbox is deleted
     * @throws NotFoundException  if the endpoint is deleted, or the adopted namespace of the
     *                            sandbox is gone (the sandbox is then deleted)
     */
    void join(Sandbox sandbox, JoinOption... options);

    /**
     * libnetwork's original form: joins the sandbox of containerId, creating it (with the
     * hostname and domain name given here) if the container has none. Returns it.
     *
     * @param containerId the container whose sandbox to join
     * @param options     hostname and domain name, used only if the sandbox is created here;
     *                    priority and interface name, for the join
     * @return the container's sandbox, found or created
     */
    Sandbox join(String containerId, JoinOption... options);

    /**
     * Leaves the sandbox: the interface goes (for a veth, the kernel takes ~20 ms to delete it;
     * deleting the whole sandbox is far faster), and another endpoint may become the gateway.
     *
     * @param sandbox the sandbox the endpoint is joined to
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

    /**
     * Deletes the endpoint if it is not joined: {@code delete(false)}.
     *
     * @throws ForbiddenException if the endpoint is joined to a sandbox
     */
    default void delete() {
        delete(false);
    }

    /**
     * What the endpoint is now: addresses, interface, sandbox, published ports.
     *
     * @return a snapshot, not updated by later joins and leaves
     */
    EndpointInfo info();
}
