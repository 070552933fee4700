package org.libnetwork4j.controller;

import java.nio.file.Path;
import java.util.List;

/**
 * The host namespace as the controller sees it: where sandbox namespaces are made and found
 * again, and the firewall that recovery rebuilds once. The kernel's is {@link KernelHost};
 * tests without root use one that keeps it all in memory.
 */
interface Host extends AutoCloseable {

    /** A new sandbox's OS layer: its own namespace named after id, or the host's own. */
    SandboxOs createSandbox(String id, boolean hostNamespace);

    /** The OS layer of a sandbox whose caller moves interfaces in (SandboxOptions#callerMovesInterfaces). */
    SandboxOs callerMovesSandbox();

    /**
     * A new sandbox's OS layer in a namespace made by someone else, at path (SandboxOptions#netns).
     *
     * @throws org.libnetwork4j.InvalidParameterException if path is no network namespace, or the
     *         host's own
     * @throws org.libnetwork4j.NotFoundException if nothing is at path
     */
    SandboxOs adoptSandbox(java.nio.file.Path path);

    /**
     * A sandbox's OS layer after a restart, its namespace reopened at key.
     *
     * @throws org.libnetwork4j.NetworkException if the namespace is gone (a reboot)
     */
    SandboxOs openSandbox(Path key, boolean hostNamespace);

    /**
     * An adopted sandbox's OS layer after a restart, if the namespace at key is still the one
     * identity ("DEVICE:INODE") recorded.
     *
     * @throws org.libnetwork4j.NetworkException if it is gone, or another is there now
     */
    SandboxOs openAdoptedSandbox(Path key, String identity);

    /** The sandbox namespaces of ours that exist (the named ones under our run directory). */
    List<Path> sandboxNamespaces();

    /** Whether key is where this host keeps its sandbox namespaces (not someone else's). */
    boolean ownsNamespace(Path key);

    /** Removes a namespace of ours that nobody claims. Deleting what is gone succeeds. */
    void deleteNamespace(Path key);

    /**
     * Runs fill, in which the drivers put back the firewall state of what is alive, then
     * replaces the host's tables with it at once (see Firewall#restore).
     */
    void restoreFirewall(Runnable fill);

    /** Rebuilds the firewall's tables from the state now. */
    void reloadFirewall();

    @Override
    void close();
}
