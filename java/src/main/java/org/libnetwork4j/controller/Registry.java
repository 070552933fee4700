package org.libnetwork4j.controller;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.NotFoundException;

/**
 * Objects of one kind by id and by a unique key (networks by name, endpoints by name in their
 * network, sandboxes by container id). A key is reserved while its object is being made, with
 * no lock held for the making, so that making one does not stall the others; a second maker
 * of the same key fails at once. A sealed registry takes no new objects (a network being
 * deleted). Its lock is held only inside its own methods: it may be taken under any other.
 */
final class Registry<T> {
    private final String kind;
    private final Function<T, String> idOf;
    private final Function<T, String> keyOf;
    private final Function<String, String> conflict;

    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, T> byId = new LinkedHashMap<>(); // guarded by lock
    private final Map<String, T> byKey = new HashMap<>();      // guarded by lock
    private final Set<String> pending = new HashSet<>();       // guarded by lock
    private String sealed;                                     // guarded by lock: why, or null

    /** conflict: the message for a key that is taken, e.g. "network with name n1 already exists". */
    Registry(String kind, Function<T, String> idOf, Function<T, String> keyOf, Function<String, String> conflict) {
        this.kind = kind;
        this.idOf = idOf;
        this.keyOf = keyOf;
        this.conflict = conflict;
    }

    /**
     * Reserves key, makes the object with no lock held, and registers it; the key is free
     * again if make throws. check runs under the lock first, on the objects there are (a view
     * it must not keep), and throws to refuse.
     *
     * @throws AlreadyExistsException if the key is taken or being made
     */
    <R extends T> R create(String key, Consumer<Collection<T>> check, Supplier<R> make) {
        lock.lock();
        try {
            if (sealed != null) {
                throw new NotFoundException(sealed);
            }
            // a view, not a copy: a copy per create made 10,000 sandboxes cost O(n^2)
            check.accept(Collections.unmodifiableCollection(byId.values()));
            if (pending.contains(key) || byKey.containsKey(key)) {
                throw new AlreadyExistsException(conflict.apply(key));
            }
            pending.add(key);
        } finally {
            lock.unlock();
        }
        try {
            R made = make.get();
            lock.lock();
            try {
                byId.put(idOf.apply(made), made);
                byKey.put(key, made);
            } finally {
                lock.unlock();
            }
            return made;
        } finally {
            lock.lock();
            try {
                pending.remove(key);
            } finally {
                lock.unlock();
            }
        }
    }

    /** Registers an object taken up after a restart. */
    void add(T o) {
        lock.lock();
        try {
            byId.put(idOf.apply(o), o);
            byKey.put(keyOf.apply(o), o);
        } finally {
            lock.unlock();
        }
    }

    /** Removes o; false if it was not there. */
    boolean remove(T o) {
        lock.lock();
        try {
            if (byId.remove(idOf.apply(o)) == null) {
                return false;
            }
            byKey.remove(keyOf.apply(o));
            return true;
        } finally {
            lock.unlock();
        }
    }

    List<T> all() {
        lock.lock();
        try {
            return List.copyOf(byId.values());
        } finally {
            lock.unlock();
        }
    }

    /** The object of this id, or null. */
    T find(String id) {
        lock.lock();
        try {
            return byId.get(id);
        } finally {
            lock.unlock();
        }
    }

    /** The object of this key (name), or null. */
    T findByKey(String key) {
        lock.lock();
        try {
            return byKey.get(key);
        } finally {
            lock.unlock();
        }
    }

    /** @throws NotFoundException with notFound's message */
    T byKey(String key, Supplier<String> notFound) {
        lock.lock();
        try {
            T o = byKey.get(key);
            if (o == null) {
                throw new NotFoundException(notFound.get());
            }
            return o;
        } finally {
            lock.unlock();
        }
    }

    /** The object whose id is {@code id}, or starts with it if only one does. */
    T byIdOrPrefix(String id) {
        if (id == null || id.isEmpty()) {
            throw new InvalidParameterException("empty " + kind + " id");
        }
        lock.lock();
        try {
            T exact = byId.get(id);
            if (exact != null) {
                return exact;
            }
            List<T> matches = new ArrayList<>();
            for (Map.Entry<String, T> e : byId.entrySet()) {
                if (e.getKey().startsWith(id)) {
                    matches.add(e.getValue());
                }
            }
            if (matches.size() == 1) {
                return matches.get(0);
            }
            if (matches.isEmpty()) {
                throw new NotFoundException(kind + " " + id + " not found");
            }
            throw new InvalidParameterException(kind + " id prefix " + id + " is ambiguous: " + matches.size()
                    + " match");
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes no new objects from now on, if it holds none and none is being made; else throws
     * with the keys that are there. why is the message later makers get. Returns false if it
     * was sealed already.
     *
     * @throws ForbiddenException naming what is there
     */
    boolean sealIfEmpty(String why, Function<List<String>, String> busy) {
        lock.lock();
        try {
            if (sealed != null) {
                return false;
            }
            if (!byId.isEmpty() || !pending.isEmpty()) {
                List<String> keys = new ArrayList<>();
                byId.values().forEach(o -> keys.add(keyOf.apply(o)));
                keys.addAll(pending);
                throw new ForbiddenException(busy.apply(keys));
            }
            sealed = why;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Takes objects again (a delete that failed). */
    void unseal() {
        lock.lock();
        try {
            sealed = null;
        } finally {
            lock.unlock();
        }
    }
}
