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
     * they held, so that their addresses stay reserved. Clears the clean-close mark
     * ({@link #markClean}) in the same transaction.
     *
     * @return the records, the quarantined ones, and whether the last controller closed
     *         cleanly
     * @throws org.libnetwork4j.NetworkException if the store cannot be read
     */
    Snapshot load();

    /**
     * Stores these (inserting or replacing each by kind and id), in one transaction.
     *
     * @param objects the records to store
     * @throws org.libnetwork4j.NetworkException if the transaction fails; none of them is
     *         stored
     */
    void put(StoredObject... objects);

    /**
     * Stores {@code put} and removes {@code delete} in one transaction.
     *
     * @param put    the records to insert or replace
     * @param delete the records to remove, by kind and id; absent ones are no error
     * @throws org.libnetwork4j.NetworkException if the transaction fails; nothing of it is
     *         stored
     */
    void update(List<StoredObject> put, List<StoredObject> delete);

    /**
     * As {@link #update(List, List)}, and records mark as the {@link #journalMark} in the same
     * transaction.
     *
     * @param put    the records to insert or replace
     * @param delete the records to remove, by kind and id; absent ones are no error
     * @param mark   the sequence number of the last journal entry whose records this
     *               transaction holds (or which were written before it)
     * @throws org.libnetwork4j.NetworkException if the transaction fails; nothing of it is
     *         stored, the mark included
     */
    void update(List<StoredObject> put, List<StoredObject> delete, long mark);

    /**
     * The sequence number of the last journal entry ({@link DeferredWrites}) whose records the
     * store holds, or which a later write of the store replaced: entries up to it must not be
     * written again (an older record would undo a delete).
     *
     * @return the mark last stored with {@link #update(List, List, long)}; 0 if none
     * @throws org.libnetwork4j.NetworkException if the store cannot be read
     */
    long journalMark();

    /**
     * Removes these, in one transaction; absent ones are no error.
     *
     * @param objects the records to remove, by kind and id
     * @throws org.libnetwork4j.NetworkException if the transaction fails; none of them is
     *         removed
     */
    void delete(StoredObject... objects);

    /**
     * Records that the store holds everything its controller did, to the last operation (a
     * clean close, after the last deferred write): the next {@link #load} says so, once. A
     * load clears the mark before it returns, so a process that dies after it is not taken
     * for a clean one.
     */
    void markClean();

    /**
     * Bytes on disk (database, its write-ahead log, and the journal of {@link DeferredWrites}),
     * to check that the store stays bounded.
     *
     * @return the size in bytes; 0 for a store that keeps nothing on disk
     */
    long sizeOnDisk();

    /** Closes the store. Idempotent. */
    @Override
    void close();

    /**
     * What {@link #load} found.
     *
     * @param networks    the readable network records
     * @param endpoints   the readable endpoint records
     * @param sandboxes   the readable sandbox records
     * @param quarantined the records that could not be read, at this load or an earlier one
     * @param cleanClose the last controller closed cleanly ({@link #markClean}): nothing it
     *                   did is missing from these records
     */
    record Snapshot(List<NetworkRecord> networks, List<EndpointRecord> endpoints, List<SandboxRecord> sandboxes,
            List<Quarantined> quarantined, boolean cleanClose) {
        /**
         * Copies the lists, none of which may be null.
         *
         * @param networks    the network records
         * @param endpoints   the endpoint records
         * @param sandboxes   the sandbox records
         * @param quarantined the unreadable records
         * @param cleanClose  whether the last controller closed cleanly
         */
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
     * @param kind      what it was
     * @param id        its id
     * @param parent    its network, for an endpoint
     * @param addresses what it held (subnets or addresses), read from beside the record
     * @param reason    why it could not be read
     */
    record Quarantined(StoredObject.Kind kind, String id, String parent, List<String> addresses, String reason) {
        /**
         * Copies addresses, which may not be null.
         *
         * @param kind      what it was
         * @param id        its id
         * @param parent    its network, for an endpoint, else null
         * @param addresses what it held
         * @param reason    why it could not be read
         */
        public Quarantined {
            addresses = List.copyOf(addresses);
        }
    }
}
