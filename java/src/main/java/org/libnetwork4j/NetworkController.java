package org.libnetwork4j;

import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.function.Predicate;

/**
 * The entry point of the Container Network Model (libnetwork's {@code NetworkController}):
 * it creates {@link Network}s through drivers ("bridge", "host", "null") and {@link Sandbox}es
 * for containers. Bound to one host network namespace ({@link ControllerConfig#hostNamespace}).
 *
 * <pre>{@code
 * try (NetworkController c = NetworkController.create(ControllerConfig.builder().build())) {
 *     Network n = c.newNetwork("bridge", "network1", NetworkOptions.defaults());
 *     Endpoint ep = n.createEndpoint("Endpoint1");
 *     ep.join("container1", JoinOptions.hostname("test"), JoinOptions.domainname("docker.io"));
 * }
 * }</pre>
 *
 * <p>Thread-safe. Names of networks are unique per controller. Closing the controller leaves
 * the networks, endpoints and sandboxes it made in place in the kernel, and their traffic
 * undisturbed; delete them first if they should go.
 *
 * <p><b>Persistence.</b> Everything is recorded in a store under
 * {@link ControllerConfig#stateDir}, intent before each kernel change and outcome after it. A
 * controller opened on the same state directory (after a close, a crash, kill -9 or a reboot)
 * takes up what is alive, undoes or finishes what was interrupted and drops what the kernel
 * lost; see {@link #recoveryReport}. One controller at a time writes a state directory: a
 * second one, in any process, fails naming the holder's pid, or waits up to
 * {@link ControllerConfig#lockWait}.
 */
public interface NetworkController extends AutoCloseable {

    /** Creates the default implementation (found with {@link ServiceLoader}). */
    static NetworkController create(ControllerConfig config) {
        ControllerProvider p = ServiceLoader.load(ControllerProvider.class,
                        NetworkController.class.getClassLoader()).findFirst()
                .orElseThrow(() -> new NotSupportedException("no NetworkController implementation on the class path"));
        return p.create(config);
    }

    /**
     * Configures a driver before networks of its type are made (libnetwork's
     * {@code OptionDriverConfig}); options are the driver's, as strings.
     *
     * @throws NotFoundException for an unknown driver type
     * @throws InvalidParameterException for an unknown option or a bad value
     */
    void configureNetworkDriver(String type, Map<String, String> options);

    /**
     * Creates a network of driver {@code type}.
     *
     * @throws NotFoundException for an unknown driver type
     * @throws AlreadyExistsException if a network has that name
     * @throws InvalidParameterException for bad options (named in the message)
     */
    Network newNetwork(String type, String name, NetworkOptions options);

    default Network newNetwork(String type, String name) {
        return newNetwork(type, name, NetworkOptions.defaults());
    }

    List<Network> networks();

    /** @throws NotFoundException if there is none */
    Network networkByName(String name);

    /** By full id or a unique prefix of it. @throws NotFoundException if there is none */
    Network networkById(String id);

    /** Calls walker on each network until it returns true (libnetwork's NetworkWalker). */
    void walkNetworks(Predicate<Network> walker);

    /**
     * Creates the sandbox of a container: a network namespace with loopback up, and the hosts
     * and resolv.conf files a runtime bind-mounts.
     *
     * @throws AlreadyExistsException if the container has a sandbox
     */
    Sandbox newSandbox(String containerId, SandboxOptions options);

    default Sandbox newSandbox(String containerId) {
        return newSandbox(containerId, SandboxOptions.defaults());
    }

    List<Sandbox> sandboxes();

    /** @throws NotFoundException if there is none */
    Sandbox sandboxById(String id);

    /** The sandbox of a container. @throws NotFoundException if there is none */
    Sandbox sandboxByContainerId(String containerId);

    /**
     * Rebuilds libnetwork4j's nftables tables from the current state now. They are rebuilt by
     * themselves at the latest on the next change after anyone else touched nftables (a
     * flushed ruleset, a deleted table); this is for not waiting.
     */
    /**
     * Subscribes listener to this controller's events ({@link NetworkEvent}), delivered in order
     * on a thread of the subscription's own. A listener never slows an operation down: up to
     * 1024 events wait for it, and what comes beyond that is dropped and counted
     * ({@link EventSubscription#dropped}). Closing the controller ends every subscription.
     */
    default EventSubscription subscribe(java.util.function.Consumer<NetworkEvent> listener) {
        return subscribe(listener, 1024);
    }

    /** {@link #subscribe(java.util.function.Consumer)} with a queue of capacity events. */
    EventSubscription subscribe(java.util.function.Consumer<NetworkEvent> listener, int capacity);

    void reloadFirewall();

    /**
     * What opening this controller found in its state directory and the kernel, and what it
     * did about it (interrupted work undone or finished, objects whose kernel part is gone,
     * unreadable records).
     */
    RecoveryReport recoveryReport();

    /** Releases the controller's handles. Idempotent. */
    @Override
    void close();
}
