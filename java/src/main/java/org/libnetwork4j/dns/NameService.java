package org.libnetwork4j.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import org.libnetwork4j.kernel.Netns;

/**
 * What the controller tells its DNS resolver: which networks it serves and on which
 * addresses, which sandboxes exist (where their forwarded queries leave from), and which
 * names each joined endpoint brings. Every call takes effect before it returns: a name
 * resolves as soon as the join that registered it returns, and stops as soon as the leave
 * does. None of them touches the kernel except {@link #addNetwork} (its listening sockets)
 * and {@link #removeNetwork} (closing them). Thread-safe.
 */
public interface NameService extends AutoCloseable {

    /**
     * Serves the names of network id to its containers on addresses (port 53, UDP and TCP).
     * Returns the addresses it listens on: empty when it could not (port 53 taken there), in
     * which case the network's containers keep the host's nameservers. Adding a network
     * twice replaces it.
     */
    List<InetAddress> addNetwork(String id, String name, boolean internal, List<InetAddress> addresses);

    /** Stops serving network id. Removing what is gone succeeds. */
    void removeNetwork(String id);

    /**
     * A sandbox whose endpoints may join served networks.
     *
     * @param upstreams where its queries for names not ours go, in order (at most 3 are
     *                  tried); loopback ones are dialled from the host's namespace, the others
     *                  from the sandbox's own
     * @param namespace the sandbox's namespace (borrowed; null where there is none to dial
     *                  from, which makes every forward from it fail)
     */
    void addSandbox(String id, List<InetSocketAddress> upstreams, Netns namespace);

    void removeSandbox(String id);

    /**
     * An endpoint of network networkId joined sandboxId: names resolve to its addresses for
     * the sandboxes on that network, and its addresses are whom the resolver answers there.
     */
    void join(String networkId, String endpointId, String sandboxId, List<String> names, InetAddress ipv4,
            InetAddress ipv6);

    /** The endpoint left: its names and addresses are forgotten. Leaving twice succeeds. */
    void leave(String networkId, String endpointId);

    @Override
    void close();

    /** Whether this one answers at all ({@link #none} does not): what sandboxes' resolv.conf names. */
    default boolean serves() {
        return true;
    }

    /** A controller without a resolver: every network keeps the host's nameservers. */
    static NameService none() {
        return new NameService() {
            @Override
            public boolean serves() {
                return false;
            }

            @Override
            public List<InetAddress> addNetwork(String id, String name, boolean internal, List<InetAddress> addresses) {
                return List.of();
            }

            @Override
            public void removeNetwork(String id) {
            }

            @Override
            public void addSandbox(String id, List<InetSocketAddress> upstreams, Netns namespace) {
            }

            @Override
            public void removeSandbox(String id) {
            }

            @Override
            public void join(String networkId, String endpointId, String sandboxId, List<String> names,
                    InetAddress ipv4, InetAddress ipv6) {
            }

            @Override
            public void leave(String networkId, String endpointId) {
            }

            @Override
            public void close() {
            }
        };
    }
}
