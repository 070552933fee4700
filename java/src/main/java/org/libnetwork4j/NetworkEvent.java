package org.libnetwork4j;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Something that happened to a network, an endpoint or a sandbox, in the shape of Docker's
 * network events ({@code docker events --filter type=network}): a type, an action, the id of
 * the object it happened to (its "actor") and attributes.
 *
 * <ul>
 * <li>network: create and destroy (actor: the network; name, type = its driver), connect and
 *     disconnect (actor: the network; container, endpoint, name, type), as Docker sends them;</li>
 * <li>endpoint: create and destroy (actor: the endpoint; name, network);</li>
 * <li>sandbox: create and destroy (actor: the sandbox; container).</li>
 * </ul>
 *
 * An event is published once the operation has returned successfully; operations that fail
 * publish nothing.
 *
 * @param type       what the actor is
 * @param action     {@link #CREATE}, {@link #DESTROY}, {@link #CONNECT} or {@link #DISCONNECT}
 * @param id         the actor's id (64 hex digits)
 * @param attributes the details listed above, by name
 * @param time       when the operation finished
 */
public record NetworkEvent(Type type, String action, String id, Map<String, String> attributes, Instant time) {
    /** What the event is about. */
    public enum Type {
        /** A network: created, destroyed, or an endpoint of it connected or disconnected. */
        NETWORK,
        /** An endpoint: created or destroyed. */
        ENDPOINT,
        /** A sandbox: created or destroyed. */
        SANDBOX;

        /**
         * As Docker writes it: "network".
         *
         * @return the name in lower case
         */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The actor was created. */
    public static final String CREATE = "create";
    /** An endpoint of the actor, a network, joined a sandbox. */
    public static final String CONNECT = "connect";
    /** An endpoint of the actor, a network, left a sandbox, or was deleted while joined to it. */
    public static final String DISCONNECT = "disconnect";
    /** The actor was deleted. */
    public static final String DESTROY = "destroy";

    /**
     * Checks that nothing is null and copies attributes.
     *
     * @param type       what the actor is, not null
     * @param action     what happened, not null
     * @param id         the actor's id, not null
     * @param attributes the details by name, not null
     * @param time       when it happened, not null
     * @throws NullPointerException if a component, or an attribute's name or value, is null
     */
    public NetworkEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(id, "id");
        attributes = Map.copyOf(attributes);
        Objects.requireNonNull(time, "time");
    }
}
