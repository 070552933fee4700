package org.libnetwork4j.driver.bridge;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.libnetwork4j.AlreadyExistsException;

/**
 * The names the driver's joined host ends hold, across all its networks: a join takes the
 * first candidate of its endpoint ({@link BridgeState#hostEnd}) that no other endpoint of
 * ours holds, so that two of our endpoints never race for one name; a link made by someone
 * else under that name is found by the kernel's refusal, and the join takes the next one.
 */
final class HostEndNames {
    private final Map<String, String> owners = new ConcurrentHashMap<>(); // name -> endpoint id

    /**
     * The first candidate from k on that no endpoint of ours holds, now held by endpointId.
     *
     * @throws AlreadyExistsException if every one from k on is held
     */
    Claim claim(String endpointId, int from) {
        for (int k = from; k < BridgeState.HOST_END_CANDIDATES; k++) {
            String name = BridgeState.hostEnd(endpointId, k);
            String owner = owners.putIfAbsent(name, endpointId);
            if (owner == null || owner.equals(endpointId)) {
                return new Claim(name, k);
            }
        }
        throw new AlreadyExistsException("no free name for the host end of endpoint " + endpointId + ": "
                + BridgeState.HOST_END_CANDIDATES + " names (veth and 7 digits of its id) are all taken by"
                + " other links of the host");
    }

    /** Holds name, as the kernel has it after a restart, for endpointId. */
    void hold(String name, String endpointId) {
        owners.put(name, endpointId);
    }

    void release(String name, String endpointId) {
        if (name != null) {
            owners.remove(name, endpointId);
        }
    }

    /** A name held, and which of its endpoint's candidates it is. */
    record Claim(String name, int candidate) {
    }
}
