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

    /**
     * Creates the default implementation (found with {@link ServiceLoader}).
     *
     * @param config where the controller keeps its state and which namespace is its host
     * @return an open controller, which the caller closes
     * @throws NotSupportedException if no implementation is on the class path
     * @throws StateDirectoryInUseException if another controller holds the state directory
     *                                       for longer than {@link ControllerConfig#lockWait}
     */
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
     * @param type    the driver's type, e.g. "bridge"
     * @param options the driver's options by key; empty for none
     * @throws NotFoundException for an unknown driver type
     * @throws InvalidParameterException for an unknown option or a bad value
     * @throws ForbiddenException if the controller is closed
     */
    void configureNetworkDriver(String type, Map<String, String> options);

    /**
     * Creates a network of driver {@code type}.
     *
     * @param type    the driver: "bridge", "host", "null", "macvlan" or "ipvlan" with the
     *                default implementation
     * @param name    unique among the controller's networks: letters, digits, '_', '.' and '-',
     *                starting with a letter or digit, at most 255 characters
     * @param options subnets, IPv6, internal, driver options and labels
     * @return the new network, without endpoints
     * @throws NotFoundException for an unknown driver type
     * @throws AlreadyExistsException if a network has that name
     * @throws InvalidParameterException for bad options (named in the message)
     * @throws ForbiddenException if the driver allows only one network and it exists (host,
     *                            null), or the controller is closed
     */
    Network newNetwork(String type, String name, NetworkOptions options);

    /**
     * Creates a network of driver {@code type} with {@link NetworkOptions#defaults()}: no
     * subnet given (a driver that uses IPAM takes an IPv4 one from the default pools), no
     * options.
     *
     * @param type the driver, as for {@link #newNetwork(String, String, NetworkOptions)}
     * @param name unique among the controller's networks
     * @return the new network, without endpoints
     */
    default Network newNetwork(String type, String name) {
        return newNetwork(type, name, NetworkOptions.defaults());
    }

    /**
     * The controller's networks.
     *
     * @return a snapshot, not changed by later creates and deletes
     */
    List<Network> networks();

    /**
     * The network of that name.
     *
     * @param name the network's name
     * @return the network
     * @throws NotFoundException if there is none
     */
    Network networkByName(String name);

    /**
     * By full id or a unique prefix of it.
     *
     * @param id the network's 64 hex digits, or a prefix only its id starts with
     * @return the network
     * @throws NotFoundException if there is none
     * @throws InvalidParameterException if id is empty, or a prefix of several networks' ids
     */
    Network networkById(String id);

    /**
     * Calls walker on each network until it returns true (libnetwork's NetworkWalker).
     *
     * @param walker called with each network of a snapshot of {@link #networks()} in turn;
     *               true stops the walk
     */
    void walkNetworks(Predicate<Network> walker);

    /**
     * Creates the sandbox of a container: a network namespace with loopback up, and the hosts
     * and resolv.conf files a runtime bind-mounts.
     *
     * @param containerId the container's id; not empty, one sandbox per container
     * @param options     hostname, DNS settings, extra hosts, and which namespace to use
     * @return the new sandbox, with no endpoint joined
     * @throws AlreadyExistsException if the container has a sandbox
     * @throws InvalidParameterException if containerId is null or empty
     * @throws ForbiddenException if the controller is closed
     */
    Sandbox newSandbox(String containerId, SandboxOptions options);

    /**
     * Creates the sandbox of a container with {@link SandboxOptions#defaults()}: a namespace of
     * the controller's own, no hostname, no DNS settings of its own.
     *
     * @param containerId the container's id; not empty, one sandbox per container
     * @return the new sandbox, with no endpoint joined
     */
    default Sandbox newSandbox(String containerId) {
        return newSandbox(containerId, SandboxOptions.defaults());
    }

    /**
     * The controller's sandboxes, one per container.
     *
     * @return a snapshot, not changed by later creates and deletes
     */
    List<Sandbox> sandboxes();

    /**
     * By full id or a unique prefix of it.
     *
     * @param id the sandbox's 64 hex digits, or a prefix only its id starts with
     * @return the sandbox
     * @throws NotFoundException if there is none
     * @throws InvalidParameterException if id is empty, or a prefix of several sandboxes' ids
     */
    Sandbox sandboxById(String id);

    /**
     * The sandbox of a container.
     *
     * @param containerId the id the sandbox was created for
     * @return the sandbox
     * @throws NotFoundException if there is none
     */
    Sandbox sandboxByContainerId(String containerId);

    /**
     * Subscribes listener to this controller's events ({@link NetworkEvent}), delivered in order
     * on a thread of the subscription's own. A listener never slows an operation down: up to
     * 1024 events wait for it, and what comes beyond that is dropped and counted
     * ({@link EventSubscription#dropped}). Closing the controller ends every subscription.
     *
     * @param listener called with each event, on the subscription's thread
     * @return the subscription; close it to stop the delivery
     * @throws ForbiddenException if the controller is closed
     */
    default EventSubscription subscribe(java.util.function.Consumer<NetworkEvent> listener) {
        return subscribe(listener, 1024);
    }

    /**
     * {@link #subscribe(java.util.function.Consumer)} with a queue of capacity events.
     *
     * @param listener called with each event, on the subscription's thread
     * @param capacity how many events may wait for the listener before the next are dropped
     * @return the subscription; close it to stop the delivery
     * @throws InvalidParameterException if capacity is less than 1
     * @throws ForbiddenException if the controller is closed
     */
    EventSubscription subscribe(java.util.function.Consumer<NetworkEvent> listener, int capacity);

    /**
     * Rebuilds libnetwork4j's nftables tables from the current state now. They are rebuilt by
     * themselves at the latest on the next change after anyone else touched nftables (a
     * flushed ruleset, a deleted table); this is for not waiting.
     *
     * @throws ForbiddenException if the controller is closed
     */
    void reloadFirewall();

    /**
     * What opening this controller found in its state directory and the kernel, and what it
     * did about it (interrupted work undone or finished, objects whose kernel part is gone,
     * unreadable records).
     *
     * @return the report, the same for the controller's whole life
     */
    RecoveryReport recoveryReport();

    /** Releases the controller's handles. Idempotent. */
    @Override
    void close();
}
