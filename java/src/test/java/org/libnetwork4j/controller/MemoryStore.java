package org.libnetwork4j.controller;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.libnetwork4j.InternalException;
import org.libnetwork4j.store.EndpointRecord;
import org.libnetwork4j.store.NetworkRecord;
import org.libnetwork4j.store.SandboxRecord;
import org.libnetwork4j.store.Store;
import org.libnetwork4j.store.StoredObject;

/**
 * A store in memory, for controller tests without root: counts its transactions, fails one on
 * demand, and can "die" like a killed process (from then on nothing it is given is kept).
 */
final class MemoryStore implements Store {
    private final Map<String, StoredObject> objects = new LinkedHashMap<>();
    private int transactions;
    private int failAt;     // the nth next transaction fails; 0: none
    private boolean dead;
    private boolean clean;
    private long journalMark;

    @Override
    public synchronized Snapshot load() {
        List<NetworkRecord> n = new ArrayList<>();
        List<EndpointRecord> e = new ArrayList<>();
        List<SandboxRecord> s = new ArrayList<>();
        for (StoredObject o : objects.values()) {
            if (o instanceof NetworkRecord r) {
                n.add(r);
            } else if (o instanceof EndpointRecord r) {
                e.add(r);
            } else {
                s.add((SandboxRecord) o);
            }
        }
        boolean wasClean = clean;
        clean = false;
        return new Snapshot(n, e, s, List.of(), wasClean);
    }

    @Override
    public synchronized void markClean() {
        if (!dead) {
            clean = true;
        }
    }

    @Override
    public void put(StoredObject... o) {
        update(List.of(o), List.of());
    }

    @Override
    public synchronized void update(List<StoredObject> put, List<StoredObject> delete) {
        if (dead) {
            return;
        }
        if (failAt > 0 && --failAt == 0) {
            throw new InternalException("write store: injected", 0, "write store", "memory", null);
        }
        transactions++;
        put.forEach(o -> objects.put(key(o), o));
        delete.forEach(o -> objects.remove(key(o)));
    }

    @Override
    public synchronized void update(List<StoredObject> put, List<StoredObject> delete, long mark) {
        update(put, delete);
        if (!dead) {
            journalMark = mark;
        }
    }

    @Override
    public synchronized long journalMark() {
        return journalMark;
    }

    @Override
    public void delete(StoredObject... o) {
        update(List.of(), List.of(o));
    }

    @Override
    public long sizeOnDisk() {
        return 0;
    }

    @Override
    public void close() {
    }

    synchronized int transactions() {
        return transactions;
    }

    /** The nth next transaction fails (1: the next one). */
    synchronized void failAt(int nth) {
        failAt = nth;
    }

    /** The process "dies": what it is given from now on is lost. */
    synchronized void die() {
        dead = true;
    }

    /** A new process opens it. */
    synchronized void revive() {
        dead = false;
    }

    synchronized StoredObject get(StoredObject.Kind kind, String id) {
        return objects.get(kind + "/" + id);
    }

    synchronized int size() {
        return objects.size();
    }

    private static String key(StoredObject o) {
        return o.kind() + "/" + o.id();
    }
}
