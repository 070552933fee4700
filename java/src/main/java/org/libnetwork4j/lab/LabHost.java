package org.libnetwork4j.lab;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.SandboxOptions;

/**
 * A throwaway machine of a lab: a controller bound to a fresh network namespace (its "host"),
 * with its state and run directories under the lab's directory, and one leg on the lab's
 * underlay ({@code eth0}, {@link #underlayAddress()}), where the other hosts of the lab are.
 * Thread-safe.
 */
public final class LabHost implements Node {
    private final Lab lab;
    private final String name;
    private final int number;
    private final Path namespace;
    private final NetworkController controller;
    private final Map<String, LabSandbox> sandboxes = new LinkedHashMap<>();

    LabHost(Lab lab, String name, int number, Path namespace, NetworkController controller) {
        this.lab = lab;
        this.name = name;
        this.number = number;
        this.namespace = namespace;
        this.controller = controller;
    }

    @Override
    public String name() {
        return name;
    }

    Lab lab() {
        return lab;
    }

    int number() {
        return number;
    }

    /**
     * The host's controller: everything libnetwork4j does, on this fake host.
     *
     * @return the controller bound to this host's namespace; the lab closes it
     */
    public NetworkController controller() {
        return controller;
    }

    @Override
    public Path namespace() {
        return namespace;
    }

    /**
     * Its address on the lab's underlay (10.250.0.N/24, N its number from 1).
     *
     * @return the IPv4 address 10.250.0.N
     */
    public InetAddress underlayAddress() {
        return Lab.underlayAddress(number);
    }

    @Override
    public List<InetAddress> addresses() {
        return List.of(underlayAddress());
    }

    /**
     * The bridge network called name on this host, created with default options if missing.
     *
     * @param name the network's name on this host's controller
     * @return the network of that name, whatever its driver if it existed already
     * @throws IllegalStateException on a closed lab, or from a thread inside a lab namespace
     */
    public Network network(String name) {
        return network(name, NetworkOptions.defaults());
    }

    /**
     * The bridge network called name, created with options if missing.
     *
     * @param name    the network's name on this host's controller
     * @param options the new network's options; not used if the network exists already
     * @return the network of that name, whatever its driver if it existed already
     * @throws IllegalStateException on a closed lab, or from a thread inside a lab namespace
     */
    public synchronized Network network(String name, NetworkOptions options) {
        lab.checkCaller("network " + name + " on " + this);
        try {
            return controller.networkByName(name);
        } catch (NotFoundException missing) {
            return controller.newNetwork("bridge", name, options);
        }
    }

    /**
     * A new sandbox called name (its container id and hostname), joined to each of networks
     * through an endpoint of the same name. With no network it is joined to "lab" (a bridge
     * network made on first use).
     * If an endpoint cannot be made or joined, the sandbox and the endpoints made for it are
     * removed again before the error is thrown.
     *
     * @param name     its name in the lab, unique on this host
     * @param networks networks of this host's controller, joined in this order
     * @return the new sandbox
     * @throws AlreadyExistsException if this host has a sandbox called name
     * @throws IllegalStateException on a closed lab, or from a thread inside a lab namespace
     */
    public synchronized LabSandbox sandbox(String name, Network... networks) {
        lab.checkCaller("sandbox " + name + " on " + this);
        if (sandboxes.containsKey(name)) {
            throw new AlreadyExistsException("sandbox \"" + name + "\" exists on lab host " + this.name);
        }
        List<Network> join = networks.length == 0 ? List.of(network("lab")) : List.of(networks);
        Sandbox sb = controller.newSandbox(name, SandboxOptions.builder().hostname(name).build());
        List<Endpoint> made = new ArrayList<>();
        try {
            for (Network n : join) {
                Endpoint e = n.createEndpoint(name);
                made.add(e);
                e.join(sb);
            }
        } catch (RuntimeException e) {
            // leave nothing half-made: the lab's user sees the first error
            for (Endpoint ep : made) {
                try {
                    ep.delete(true);
                } catch (RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            try {
                sb.delete();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        LabSandbox s = new LabSandbox(name, this, sb);
        sandboxes.put(name, s);
        return s;
    }

    /**
     * A sandbox the test made through {@link #controller()} itself, taken into the lab.
     *
     * @param existing a sandbox of this host's controller; its container id becomes its name
     *                 in the lab
     * @return the lab sandbox of that container id, made on the first call and returned
     *         again on the next ones
     * @throws IllegalStateException on a closed lab, or from a thread inside a lab namespace
     */
    public synchronized LabSandbox adopt(Sandbox existing) {
        lab.checkCaller("adopt sandbox " + existing.containerId() + " on " + this);
        return sandboxes.computeIfAbsent(existing.containerId(), n -> new LabSandbox(n, this, existing));
    }

    /**
     * The lab sandbox called name on this host.
     *
     * @param name its name in the lab (its container id)
     * @return the sandbox
     * @throws NotFoundException if this host has no lab sandbox of that name
     */
    public synchronized LabSandbox sandboxNamed(String name) {
        LabSandbox s = sandboxes.get(name);
        if (s == null) {
            throw new NotFoundException("no sandbox \"" + name + "\" on lab host " + this.name);
        }
        return s;
    }

    /**
     * The lab sandboxes of this host, in the order they were made or adopted; a sandbox made
     * through {@link #controller()} is not among them until {@link #adopt adopted}.
     *
     * @return an unmodifiable copy: sandboxes made later are not in it
     */
    public synchronized List<LabSandbox> sandboxes() {
        return List.copyOf(sandboxes.values());
    }

    /**
     * Runs command in this host's network namespace (at most 30 s). Only the network namespace
     * is the host's: the files it sees, /etc/resolv.conf among them, are the JVM's.
     *
     * @param command the program and its arguments
     * @return its exit status and output
     * @throws IllegalStateException if it did not end within 30 s (it is killed then), or
     *         when called from a thread inside a lab namespace
     * @throws java.io.UncheckedIOException if it could not be started
     */
    public ExecResult exec(String... command) {
        lab.refuseInsideNamespace("exec on " + this);
        List<String> argv = new ArrayList<>(List.of("nsenter", "--net=" + namespace));
        argv.addAll(List.of(command));
        return Exec.run(argv, List.of(command));
    }

    @Override
    public String toString() {
        return "lab host " + name;
    }
}
