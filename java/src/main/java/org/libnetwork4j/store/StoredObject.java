package org.libnetwork4j.store;

import java.util.List;

/** What the store keeps: networks, endpoints, sandboxes. */
public sealed interface StoredObject permits NetworkRecord, EndpointRecord, SandboxRecord {

    /** Which of the three an object is; with its id, the key it is stored under. */
    enum Kind {
        /** A {@link NetworkRecord}. */
        NETWORK,
        /** An {@link EndpointRecord}. */
        ENDPOINT,
        /** A {@link SandboxRecord}. */
        SANDBOX
    }

    /**
     * Which of the three it is.
     *
     * @return its kind, fixed by its class
     */
    Kind kind();

    /**
     * Its id.
     *
     * @return the id of the network, endpoint or sandbox, unique within its kind
     */
    String id();

    /**
     * Where it stands.
     *
     * @return its state as stored
     */
    State state();

    /**
     * The network of an endpoint; null for the others.
     *
     * @return the network's id, or null
     */
    String parent();

    /**
     * The subnets (a network) or addresses (an endpoint) it holds, kept beside the record in
     * plain text so that they stay reserved even if the record itself cannot be read.
     *
     * @return each as a prefix in text ({@code 172.18.0.0/16}, {@code 172.18.0.2/16});
     *         empty for a sandbox
     */
    List<String> addresses();
}
