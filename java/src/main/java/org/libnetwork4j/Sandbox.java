package org.libnetwork4j;

import java.nio.file.Path;
import java.util.List;

/**
 * A container's network stack (libnetwork's {@code Sandbox}): a network namespace bind-mounted
 * at {@link #key()}, the endpoints joined to it, and the hosts and resolv.conf files it keeps
 * current for a runtime to bind-mount.
 *
 * <p>The gateway endpoint, whose network provides the default route, is the first joined
 * endpoint with a gateway in this order: higher join priority; a non-internal network; then
 * the network's name. (Current moby ranks priority first; Docker 20.10 ranked internal
 * networks last before looking at priority. The two differ only when an internal network's
 * endpoint has the higher priority, and an internal network has no gateway to give anyway.)
 * Thread-safe.
 */
public interface Sandbox {
    /**
     * 64 hex digits.
     *
     * @return the sandbox's id, random, fixed at creation
     */
    String id();

    /** @return the container id it was created for, unique among the controller's sandboxes */
    String containerId();

    /**
     * The namespace's path, e.g. /run/libnetwork4j/netns/0123456789ab.
     *
     * @return the path: under the run directory for a namespace of the controller's own, the
     *         path given for an adopted one, the host namespace's for a sandbox in it; it
     *         changes with {@link #setKey}
     */
    String key();

    /**
     * The endpoints joined to the sandbox.
     *
     * @return a snapshot in the order they joined; empty if none is joined
     */
    List<Endpoint> endpoints();

    /**
     * The endpoint providing the default route, if any is joined.
     *
     * @return the gateway endpoint, or empty if no joined endpoint has a gateway
     */
    java.util.Optional<Endpoint> gatewayEndpoint();

    /**
     * The container's host name, given to its own addresses in the hosts file.
     *
     * @return the hostname it was created with, or null if none
     */
    String hostname();

    /**
     * The container's domain name, which the hosts file adds to its hostname.
     *
     * @return the domain name it was created with, or null if none
     */
    String domainname();

    /**
     * The hosts file: localhost lines, extra hosts, the sandbox's own name per address.
     *
     * @return the file's path, for a runtime to bind-mount as /etc/hosts
     */
    Path hostsPath();

    /**
     * The resolv.conf: the host's without loopback nameservers, or the sandbox's own dns.
     *
     * @return the file's path, for a runtime to bind-mount as /etc/resolv.conf
     */
    Path resolvConfPath();

    /**
     * Moves the sandbox into a namespace made by someone else (libnetwork's SetKey: a
     * runtime's hook gives /proc/PID/ns/net of the container's process), adopted as with
     * {@link SandboxOptions#netns}. Its endpoints leave the namespace they are in and join the
     * new one with the same addresses, names and priorities; its own namespace is deleted, one
     * it had adopted is left to its owner.
     *
     * @param path the namespace to move to, e.g. {@code /proc/PID/ns/net}
     * @throws InvalidParameterException if path is no network namespace, or the host's own
     * @throws AlreadyExistsException if another sandbox has that namespace
     * @throws ForbiddenException for a sandbox in the host's namespace
     */
    void setKey(Path path);

    /**
     * Leaves and deletes every endpoint joined to it, and removes the namespace (the kernel
     * takes the interfaces with it). Deleting twice succeeds.
     */
    void delete();
}
