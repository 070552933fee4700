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
 * does. None of them touches the kernel except {@link #listen} (its listening sockets) and
 * {@link #removeNetwork} (closing them). Thread-safe.
 */
public interface NameService extends AutoCloseable {

    /**
     * Knows network id: the names its endpoints bring are in scope for its containers,
     * wherever they ask (on this network's listeners once {@link #listen} has opened them, or
     * on another network's they are on). Adding a network twice replaces it, without its
     * listeners.
     *
     * @param id       the network's id
     * @param name     its name: a container's name qualified with it ({@code web.mynet})
     *                 resolves too
     * @param internal whether it is internal: queries of a sandbox whose networks are all
     *                 internal are never forwarded upstream
     */
    void addNetwork(String id, String name, boolean internal);

    /**
     * Serves network id's containers on addresses in namespace (port 53, UDP and TCP), in
     * place of the listeners it had; with no addresses, it has none from now on (its names
     * stay known). Returns the addresses it listens on: empty when it could not (port 53
     * taken there), in which case the network's containers keep the host's nameservers.
     *
     * @param id        a network added before
     * @param namespace where the sockets are made (borrowed: needed only during the call); the
     *                  driver's {@link org.libnetwork4j.driver.Driver#resolverSite}; unused
     *                  without addresses
     * @param addresses where to listen, local in namespace; empty for nowhere
     * @return the addresses listened on: all of the given ones, or none
     */
    List<InetAddress> listen(String id, Netns namespace, List<InetAddress> addresses);

    /**
     * Stops serving network id. Removing what is gone succeeds.
     *
     * @param id the network's id; its listeners are closed, and their addresses free, before
     *           this returns
     */
    void removeNetwork(String id);

    /**
     * A sandbox whose endpoints may join served networks. Adding it again replaces its
     * upstreams and namespace and keeps its joins.
     *
     * @param id        the sandbox's id
     * @param upstreams where its queries for names not ours go, in order (at most 3 are
     *                  tried); loopback ones are dialled from the host's namespace, the others
     *                  from the sandbox's own
     * @param ndotsSet  whether its resolv.conf has an ndots option of the user's or the
     *                  host's (rather than the resolver's ndots:0): then a name of one label
     *                  that no network knows is answered empty, not forwarded, and the client
     *                  goes on with its search domains (Docker's rule)
     * @param namespace the sandbox's namespace (borrowed; null where there is none to dial
     *                  from, which makes every forward from it fail)
     */
    void addSandbox(String id, List<InetSocketAddress> upstreams, boolean ndotsSet, Netns namespace);

    /**
     * The sandbox is gone: no query is forwarded for it any more. The controller calls it
     * once the sandbox's endpoints have left.
     *
     * @param id the sandbox's id; one not added is no error
     */
    void removeSandbox(String id);

    /**
     * An endpoint of network networkId joined sandboxId: names resolve to its addresses for
     * the sandboxes on that network, and its addresses are whom the resolver answers there.
     * For a network not served it does nothing; a second join of the endpoint replaces the
     * first.
     *
     * @param networkId  the endpoint's network
     * @param endpointId the endpoint
     * @param sandboxId  the sandbox it joined; null for an endpoint of another host, whose
     *                   names resolve here and whose queries never reach this resolver (any
     *                   that did would get nothing)
     * @param names      the names it brings (the container's name first), matched without
     *                   regard to case; none for an endpoint its sandbox only asks through
     * @param ipv4       its IPv4 address, or null
     * @param ipv6       its IPv6 address, or null
     */
    void join(String networkId, String endpointId, String sandboxId, List<String> names, InetAddress ipv4,
            InetAddress ipv6);

    /**
     * The endpoint left: its names and addresses are forgotten. Leaving twice succeeds.
     *
     * @param networkId  the endpoint's network
     * @param endpointId the endpoint
     */
    void leave(String networkId, String endpointId);

    @Override
    void close();

    /**
     * Until {@link #release}, the listeners {@link #listen} opens take no query: what comes
     * waits in their sockets. A restart opens them before it has the names back (their
     * addresses go into the sandboxes' resolv.conf), and a query read before its sender's
     * sandbox, or the name it asks for, is known would go unanswered, or be told there is no
     * such name; held, it is answered as soon as the names are back. One holder at a time (the
     * controller's open: its recovery, then the other hosts' names): the first release ends
     * the hold.
     */
    default void hold() {
    }

    /** The listeners held since {@link #hold} start reading, the queries waiting in them first. */
    default void release() {
    }

    /**
     * Whether this one answers at all ({@link #none} does not): what sandboxes' resolv.conf names.
     *
     * @return true unless this is {@link #none}
     */
    default boolean serves() {
        return true;
    }

    /**
     * A controller without a resolver: every network keeps the host's nameservers.
     *
     * @return a service that serves no network and does nothing else
     */
    static NameService none() {
        return new NameService() {
            @Override
            public boolean serves() {
                return false;
            }

            @Override
            public void addNetwork(String id, String name, boolean internal) {
            }

            @Override
            public List<InetAddress> listen(String id, Netns namespace, List<InetAddress> addresses) {
                return List.of();
            }

            @Override
            public void removeNetwork(String id) {
            }

            @Override
            public void addSandbox(String id, List<InetSocketAddress> upstreams, boolean ndotsSet, Netns namespace) {
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
