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
    /** 64 hex digits. */
    String id();

    String containerId();

    /** The namespace's path, e.g. /run/libnetwork4j/netns/0123456789ab. */
    String key();

    List<Endpoint> endpoints();

    /** The endpoint providing the default route, if any is joined. */
    java.util.Optional<Endpoint> gatewayEndpoint();

    String hostname();

    String domainname();

    /** The hosts file: localhost lines, extra hosts, the sandbox's own name per address. */
    Path hostsPath();

    /** The resolv.conf: the host's without loopback nameservers, or the sandbox's own dns. */
    Path resolvConfPath();

    /**
     * Moves the sandbox into a namespace made by someone else (libnetwork's SetKey: a
     * runtime's hook gives /proc/PID/ns/net of the container's process), adopted as with
     * {@link SandboxOptions#netns}. Its endpoints leave the namespace they are in and join the
     * new one with the same addresses, names and priorities; its own namespace is deleted, one
     * it had adopted is left to its owner.
     *
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
