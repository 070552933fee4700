package org.libnetwork4j.controller;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.libnetwork4j.InternalException;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.firewall.Firewall;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.portmapper.PortMapper;

/**
 * The host namespace of a controller in the kernel: its netlink handles, its firewall and
 * published ports (which the bridge driver programs), and the sandbox namespaces named under
 * {@code runDir/netns}.
 */
final class KernelHost implements Host {
    final HostNamespace namespace;
    final Firewall firewall;
    final PortMapper ports;
    private final Path netnsDir;

    /** Opens the host namespace, its firewall and port mapper; nothing is left open on failure. */
    KernelHost(Path hostNamespace, Path netnsDir) {
        Teardown undo = new Teardown();
        try {
            Files.createDirectories(netnsDir);
            this.netnsDir = netnsDir;
            this.namespace = new HostNamespace(hostNamespace);
            undo.push(namespace::close);
            this.firewall = new Firewall(namespace.namespace());
            undo.push(firewall::close);
            this.ports = new PortMapper(namespace.namespace());
        } catch (IOException e) {
            InternalException ie = new InternalException("create " + netnsDir + ": " + e.getMessage(), 0,
                    "create controller", netnsDir.toString(), e);
            undo.runReversed(ie);
            throw ie;
        } catch (RuntimeException e) {
            undo.runReversed(e);
            throw e;
        }
    }

    @Override
    public SandboxOs createSandbox(String id, boolean hostNamespace) {
        // named like libnetwork's: the first 12 digits of the sandbox id
        return hostNamespace ? KernelSandboxOs.hostNamespace(namespace)
                : KernelSandboxOs.create(namespace, netnsDir, id.substring(0, 12));
    }

    @Override
    public SandboxOs callerMovesSandbox() {
        return new CallerMovesSandboxOs(namespace);
    }

    @Override
    public SandboxOs adoptSandbox(Path path) {
        return KernelSandboxOs.adopt(namespace, path);
    }

    @Override
    public SandboxOs openAdoptedSandbox(Path key, String identity) {
        return KernelSandboxOs.openAdopted(namespace, key, identity);
    }

    @Override
    public SandboxOs openSandbox(Path key, boolean hostNamespace) {
        return hostNamespace ? KernelSandboxOs.hostNamespace(namespace) : KernelSandboxOs.open(namespace, key);
    }

    @Override
    public List<Path> sandboxNamespaces() {
        try (var s = Files.list(netnsDir)) {
            return s.toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    @Override
    public boolean ownsNamespace(Path key) {
        return key.startsWith(netnsDir);
    }

    @Override
    public void deleteNamespace(Path key) {
        try {
            Netns.delete(key);
        } catch (NotFoundException gone) {
            // deleting what is gone succeeds (a sandbox delete cut short after the unmount)
        }
    }

    @Override
    public void restoreFirewall(Runnable fill) {
        firewall.restore(fill);
    }

    @Override
    public void reloadFirewall() {
        firewall.reload();
    }

    /** The rules stay in the kernel; the host ports' reservation sockets go with us. */
    @Override
    public void close() {
        Teardown t = new Teardown();
        t.step(ports::close);
        t.step(firewall::close);
        t.step(namespace::close);
        t.throwIfFailed();
    }
}
