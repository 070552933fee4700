package org.libnetwork4j.store;

import java.util.List;

/** What the store keeps: networks, endpoints, sandboxes. */
public sealed interface StoredObject permits NetworkRecord, EndpointRecord, SandboxRecord {

    enum Kind {
        NETWORK, ENDPOINT, SANDBOX
    }

    Kind kind();

    String id();

    State state();

    /** The network of an endpoint; null for the others. */
    String parent();

    /**
     * The subnets (a network) or addresses (an endpoint) it holds, kept beside the record in
     * plain text so that they stay reserved even if the record itself cannot be read.
     */
    List<String> addresses();
}
