package org.libnetwork4j.ipam;

import java.util.Map;
import java.util.TreeMap;

/**
 * A set of non-negative offsets kept as coalesced runs, so that membership, insertion, removal
 * and "lowest free offset from here" all cost O(log runs) whatever the pool size: a /8 or an
 * IPv6 /64 costs no more than a /30. Not thread-safe; the allocator guards it.
 */
final class OffsetSet {
    /** start -> end, inclusive, never adjacent or overlapping (adjacent runs are merged). */
    private final TreeMap<Long, Long> runs = new TreeMap<>();
    private long size;

    boolean contains(long x) {
        Map.Entry<Long, Long> e = runs.floorEntry(x);
        return e != null && e.getValue() >= x;
    }

    /** Adds x; returns false if it was there already. */
    boolean add(long x) {
        if (contains(x)) {
            return false;
        }
        Map.Entry<Long, Long> left = x > 0 ? runs.floorEntry(x - 1) : null;
        boolean joinLeft = left != null && left.getValue() == x - 1;
        Long rightEnd = x < Long.MAX_VALUE ? runs.get(x + 1) : null;
        long start = joinLeft ? left.getKey() : x;
        long end = x;
        if (rightEnd != null) {
            runs.remove(x + 1);
            end = rightEnd;
        }
        runs.put(start, end);
        size++;
        return true;
    }

    /** Removes x; returns false if it was not there. */
    boolean remove(long x) {
        Map.Entry<Long, Long> e = runs.floorEntry(x);
        if (e == null || e.getValue() < x) {
            return false;
        }
        long start = e.getKey();
        long end = e.getValue();
        runs.remove(start);
        if (start < x) {
            runs.put(start, x - 1);
        }
        if (x < end) {
            runs.put(x + 1, end);
        }
        size--;
        return true;
    }

    /** The lowest offset in [lo, hi] that is not in the set, or -1. */
    long firstFree(long lo, long hi) {
        long x = lo;
        Map.Entry<Long, Long> e = runs.floorEntry(x);
        if (e != null && e.getValue() >= x) {
            if (e.getValue() == Long.MAX_VALUE) {
                return -1;
            }
            x = e.getValue() + 1; // runs are coalesced: the next run starts after a gap
        }
        return x <= hi ? x : -1;
    }

    long size() {
        return size;
    }
}
