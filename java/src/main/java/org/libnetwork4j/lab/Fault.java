package org.libnetwork4j.lab;

import java.util.List;

/**
 * A fault applied in a lab: a partition, an isolated node, a link down, packet loss, a
 * bandwidth limit, a delay or a failing DNS name. It is in force from the call that made it
 * until {@link #heal()} (or {@link #close()}, or the end of the lab). Healing twice is harmless.
 */
public final class Fault implements AutoCloseable {
    /** What the fault does. */
    public enum Kind {
        /** Packets between two groups of nodes dropped both ways ({@link Lab#partition}). */
        PARTITION,
        /** Packets from one group of nodes to another dropped ({@link Lab#partitionOneWay}). */
        ONE_WAY_PARTITION,
        /** Every frame on a node's links dropped, both ways ({@link Lab#isolate}). */
        ISOLATE,
        /** The far end of each of a node's links set down ({@link Lab#linkDown}). */
        LINK_DOWN,
        /** Frames on a node's links dropped at random, a given percentage ({@link Lab#loss}). */
        LOSS,
        /** A node's traffic limited by tbf on both ends of its links ({@link Lab#bandwidth}). */
        BANDWIDTH,
        /** What a node sends held back by netem ({@link Lab#delay}). */
        DELAY,
        /** UDP lookups of one name refused in sandboxes ({@link Lab#dnsFailure(String)}). */
        DNS_FAILURE
    }

    /** One thing a fault changed in the kernel, and how to change it back. */
    interface Undo {
        void undo();
    }

    private final Lab lab;
    private final int id;
    private final Kind kind;
    private final String description;
    private final List<Undo> undo; // in the order applied: undone in reverse
    private volatile boolean active = true;

    Fault(Lab lab, int id, Kind kind, String description, List<Undo> undo) {
        this.lab = lab;
        this.id = id;
        this.kind = kind;
        this.description = description;
        this.undo = List.copyOf(undo);
    }

    /**
     * Its number in the lab, from 1 (its nftables tables are called lnwlab_fN).
     *
     * @return the number, never given to another fault of the lab
     */
    public int id() {
        return id;
    }

    /**
     * What kind of fault it is.
     *
     * @return the kind, after the {@link Lab} method that made it
     */
    public Kind kind() {
        return kind;
    }

    /**
     * What it does, to whom, e.g. "partition [c1] | [c2]".
     *
     * @return the description, also part of {@link #toString()}
     */
    public String description() {
        return description;
    }

    /**
     * Whether the fault is in force.
     *
     * @return true until it is healed ({@link #heal()}, {@link Lab#healAll()} or the lab's
     *         close); false from the start of the heal on, even if undoing a step failed
     */
    public boolean isActive() {
        return active;
    }

    /** Removes the fault: traffic flows as before it. Idempotent. */
    public void heal() {
        lab.heal(this);
    }

    @Override
    public void close() {
        heal();
    }

    /** Undoes what the fault did, newest first; returns the errors, if any. Called by the lab. */
    List<RuntimeException> undo() {
        active = false;
        List<RuntimeException> errors = new java.util.ArrayList<>();
        for (int i = undo.size() - 1; i >= 0; i--) {
            try {
                undo.get(i).undo();
            } catch (RuntimeException e) {
                errors.add(e);
            }
        }
        return errors;
    }

    @Override
    public String toString() {
        return "fault " + id + ": " + description + (active ? "" : " (healed)");
    }
}
