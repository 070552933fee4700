package org.libnetwork4j.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.libnetwork4j.driver.overlay.VniAllocator;

/**
 * VNIs of overlay networks through etcd: the first host to need one for a network takes the
 * lowest free ({@link GlobalAllocator#requestVni}) and records it for the network
 * ({@code /libnetwork4j/vni-of/NETWORK}); every other host reads it there, so a network has
 * one VNI on every host. Two hosts racing for the same network settle on the one recorded
 * first; the loser gives its VNI back.
 */
public final class EtcdVniAllocator implements VniAllocator {
    private final EtcdStore store;
    private final GlobalAllocator allocator;

    /**
     * VNIs through store.
     *
     * @param store     the cluster store, open
     * @param allocator the allocator on it
     */
    public EtcdVniAllocator(EtcdStore store, GlobalAllocator allocator) {
        this.store = store;
        this.allocator = allocator;
    }

    private static String key(String networkId) {
        return EtcdStore.ROOT + "vni-of/" + networkId;
    }

    @Override
    public int allocate(String networkId) {
        Optional<byte[]> known = store.get(key(networkId));
        if (known.isPresent()) {
            return Integer.parseInt(new String(known.get(), StandardCharsets.UTF_8));
        }
        int vni = allocator.requestVni(networkId, 0);
        if (store.create(key(networkId), Integer.toString(vni).getBytes(StandardCharsets.UTF_8), false)) {
            return vni;
        }
        allocator.releaseVni(vni, networkId); // another host recorded one first
        return Integer.parseInt(new String(store.get(key(networkId)).orElseThrow(), StandardCharsets.UTF_8));
    }

    @Override
    public void reserve(String networkId, java.util.List<Integer> vnis) {
        for (int v : vnis) {
            allocator.requestVni(networkId, v); // the network's already: succeeds; another's: refused
        }
    }

    /** Every VNI the network holds goes back: the one allocated to it, those it reserved. */
    @Override
    public void release(String networkId) {
        byte[] owner = networkId.getBytes(StandardCharsets.UTF_8);
        store.list(EtcdStore.ROOT + "vni/").forEach((k, v) -> {
            if (java.util.Arrays.equals(v, owner)) {
                store.deleteIf(k, v);
            }
        });
        store.get(key(networkId)).ifPresent(v -> store.deleteIf(key(networkId), v));
    }
}
