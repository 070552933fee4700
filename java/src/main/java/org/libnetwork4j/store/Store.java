package org.libnetwork4j.store;

import java.util.List;

/**
 * The controller's persistent state. Every method is one transaction: all of it is stored or
 * none. Implementations are thread-safe.
 */
public interface Store extends AutoCloseable {

    /**
     * Everything stored. Records that cannot be read (corrupt, truncated, of an unknown shape)
     * are moved to quarantine, where they are kept with the reason, and listed apart with what
     * they held, so that their addresses stay reserved.
     */
    Snapshot load();

    /** Stores these (inserting or replacing each by kind and id), in one transaction. */
    void put(StoredObject... objects);

    /** Stores {@code put} and removes {@code delete} in one transaction. */
    void update(List<StoredObject> put, List<StoredObject> delete);

    /** Removes these, in one transaction; absent ones are no error. */
    void delete(StoredObject... objects);

    /**
     * Records that the store holds everything its controller did, to the last operation (a
     * clean close, after the last deferred write): the next {@link #load} says so, once. A
     * load clears the mark before it returns, so a process that dies after it is not taken
     * for a clean one.
     */
    void markClean();

    /** Bytes on disk (database and journal), to check that the store stays bounded. */
    long sizeOnDisk();

    /** Closes the store. Idempotent. */
    @Override
    void close();

    /**
     * What {@link #load} found.
     *
     * @param cleanClose the last controller closed cleanly ({@link #markClean}): nothing it
     *                   did is missing from these records
     */
    record Snapshot(List<NetworkRecord> networks, List<EndpointRecord> endpoints, List<SandboxRecord> sandboxes,
            List<Quarantined> quarantined, boolean cleanClose) {
        public Snapshot {
            networks = List.copyOf(networks);
            endpoints = List.copyOf(endpoints);
            sandboxes = List.copyOf(sandboxes);
            quarantined = List.copyOf(quarantined);
        }
    }

    /**
     * A record that could not be read, as quarantined.
     *
     * @param parent    its network, for an endpoint
     * @param addresses what it held (subnets or addresses), read from beside the record
     * @param reason    why it could not be read
     */
    record Quarantined(StoredObject.Kind kind, String id, String parent, List<String> addresses, String reason) {
        public Quarantined {
            addresses = List.copyOf(addresses);
        }
    }
}
