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
 * @param time when the operation finished
 */
public record NetworkEvent(Type type, String action, String id, Map<String, String> attributes, Instant time) {
    /** What the event is about. */
    public enum Type {
        NETWORK, ENDPOINT, SANDBOX;

        /** As Docker writes it: "network". */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static final String CREATE = "create";
    public static final String CONNECT = "connect";
    public static final String DISCONNECT = "disconnect";
    public static final String DESTROY = "destroy";

    public NetworkEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(id, "id");
        attributes = Map.copyOf(attributes);
        Objects.requireNonNull(time, "time");
    }
}
