package org.libnetwork4j.store;

/**
 * Where an object stands: written before a kernel change (the intent) and after it (the
 * commit), so that a controller opened after a crash knows what to finish or undo.
 */
public enum State {
    /** Being made: the kernel may hold part of it. Recovery removes that part and the record. */
    CREATING,
    /** Made (an endpoint: made and not joined). */
    READY,
    /** An endpoint whose join is under way: recovery undoes the join. */
    JOINING,
    /** An endpoint joined to its sandbox. */
    JOINED,
    /** An endpoint whose leave is under way: recovery finishes it. */
    LEAVING,
    /** Being deleted: recovery finishes the delete. */
    DELETING
}
