package org.libnetwork4j.store;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.NetworkOptions;

/**
 * A network as stored.
 *
 * @param options     what it was created with (for inspection, and to parse the driver's
 *                    settings again on restore)
 * @param allocations its subnets as IPAM gave them
 * @param driverState what the driver needs to find its kernel objects again (a bridge's name,
 *                    whether it was adopted)
 */
public record NetworkRecord(String id, String name, String type, State state, Instant created,
        NetworkOptions options, boolean internal, boolean enableIpv6, String interfacePrefix,
        List<Allocation> allocations, Map<String, String> driverState) implements StoredObject {

    public NetworkRecord {
        allocations = List.copyOf(allocations);
        driverState = Map.copyOf(driverState);
    }

    /** One subnet: the pool IPAM reserved, the gateway and aux addresses taken from it. */
    public record Allocation(IpPrefix subnet, IpPrefix ipRange, InetAddress gateway,
            Map<String, InetAddress> aux) {
        public Allocation {
            aux = Map.copyOf(aux);
        }
    }

    public NetworkRecord with(State s) {
        return new NetworkRecord(id, name, type, s, created, options, internal, enableIpv6, interfacePrefix,
                allocations, driverState);
    }

    @Override
    public Kind kind() {
        return Kind.NETWORK;
    }

    @Override
    public String parent() {
        return null;
    }

    @Override
    public List<String> addresses() {
        return allocations.stream().map(a -> a.subnet().toString()).toList();
    }
}
