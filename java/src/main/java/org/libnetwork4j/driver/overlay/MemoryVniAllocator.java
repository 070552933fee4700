package org.libnetwork4j.driver.overlay;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.PoolExhaustedException;

/**
 * A {@link VniAllocator} in this JVM's memory, for tests and single-JVM labs: the drivers of
 * several fake hosts in one process share one, and so agree on each network's VNI. Hands out
 * the lowest free VNI of its range.
 */
public final class MemoryVniAllocator implements VniAllocator {
    /** Where Docker's swarm starts its VNIs: below is left for networks given a vxlanid_list. */
    public static final int DEFAULT_FIRST = 4096;

    private final int first;
    private final int last;
    private final Map<String, Integer> byNetwork = new HashMap<>();
    private final Map<String, java.util.List<Integer>> reserved = new HashMap<>();
    private final Set<Integer> used = new HashSet<>();

    /** VNIs from {@link #DEFAULT_FIRST} to 16777215. */
    public MemoryVniAllocator() {
        this(DEFAULT_FIRST, OverlaySettings.MAX_VNI);
    }

    /**
     * VNIs from first to last.
     *
     * @param first the lowest VNI handed out, at least 1
     * @param last  the highest, at most 16777215
     * @throws InvalidParameterException if the range is empty or outside 1..16777215
     */
    public MemoryVniAllocator(int first, int last) {
        if (first < OverlaySettings.MIN_VNI || last > OverlaySettings.MAX_VNI || first > last) {
            throw new InvalidParameterException("VNI range " + first + ".." + last + " is not within "
                    + OverlaySettings.MIN_VNI + ".." + OverlaySettings.MAX_VNI);
        }
        this.first = first;
        this.last = last;
    }

    @Override
    public synchronized int allocate(String networkId) {
        Integer had = byNetwork.get(networkId);
        if (had != null) {
            return had;
        }
        for (int v = first; v <= last; v++) {
            if (used.add(v)) {
                byNetwork.put(networkId, v);
                return v;
            }
        }
        throw new PoolExhaustedException("no free VNI left in " + first + ".." + last);
    }

    @Override
    public synchronized void reserve(String networkId, java.util.List<Integer> vnis) {
        java.util.List<Integer> had = reserved.getOrDefault(networkId, java.util.List.of());
        for (int v : vnis) {
            if (used.contains(v) && !had.contains(v)) {
                throw new org.libnetwork4j.ForbiddenException("VNI " + v + " is used by another overlay network");
            }
        }
        used.addAll(vnis);
        reserved.put(networkId, java.util.List.copyOf(vnis));
    }

    @Override
    public synchronized void release(String networkId) {
        Integer v = byNetwork.remove(networkId);
        if (v != null) {
            used.remove(v);
        }
        java.util.List<Integer> r = reserved.remove(networkId);
        if (r != null) {
            used.removeAll(r);
        }
    }
}
