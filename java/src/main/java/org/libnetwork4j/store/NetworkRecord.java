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
 * @param id              its id
 * @param name            its name
 * @param type            its driver's type
 * @param state           {@link State#CREATING}, {@link State#READY} or {@link State#DELETING}
 * @param created         when it was created
 * @param internal        whether it is internal
 * @param enableIpv6      whether it has IPv6
 * @param interfacePrefix the prefix of its interfaces' names in sandboxes
 * @param options     what it was created with (for inspection, and to parse the driver's
 *                    settings again on restore)
 * @param allocations its subnets as IPAM gave them
 * @param driverState what the driver needs to find its kernel objects again (a bridge's name,
 *                    whether it was adopted)
 */
public record NetworkRecord(String id, String name, String type, State state, Instant created,
        NetworkOptions options, boolean internal, boolean enableIpv6, String interfacePrefix,
        List<Allocation> allocations, Map<String, String> driverState) implements StoredObject {

    /**
     * Copies allocations and driverState, neither of which may be null.
     *
     * @param id              its id
     * @param name            its name
     * @param type            its driver's type
     * @param state           where it stands
     * @param created         when it was created
     * @param options         what it was created with
     * @param internal        whether it is internal
     * @param enableIpv6      whether it has IPv6
     * @param interfacePrefix the prefix of its interfaces' names
     * @param allocations     its subnets
     * @param driverState     its driver's state
     */
    public NetworkRecord {
        allocations = List.copyOf(allocations);
        driverState = Map.copyOf(driverState);
    }

    /**
     * One subnet: the pool IPAM reserved, the gateway and aux addresses taken from it.
     *
     * @param subnet  the subnet
     * @param ipRange the range dynamic addresses come from, or null for the whole subnet
     * @param gateway the gateway address
     * @param aux     the aux addresses by name (Docker's --aux-address)
     * @param poolId  the pool's id as an IPAM plugin gave it, which the plugin keeps across a
     *                restart (its release names it); null for the controller's own IPAM, whose
     *                ids are made again at each start, and in records stored before plugins
     */
    public record Allocation(IpPrefix subnet, IpPrefix ipRange, InetAddress gateway,
            Map<String, InetAddress> aux, String poolId) {
        /**
         * One of the controller's own IPAM, which keeps no pool id.
         *
         * @param subnet  the subnet
         * @param ipRange the dynamic range, or null
         * @param gateway the gateway address
         * @param aux     the aux addresses by name
         */
        public Allocation(IpPrefix subnet, IpPrefix ipRange, InetAddress gateway, Map<String, InetAddress> aux) {
            this(subnet, ipRange, gateway, aux, null);
        }

        /**
         * Copies aux, which may not be null.
         *
         * @param subnet  the subnet
         * @param ipRange the dynamic range, or null
         * @param gateway the gateway address
         * @param aux     the aux addresses by name
         * @param poolId  a plugin's pool id, or null
         */
        public Allocation {
            aux = Map.copyOf(aux);
        }
    }

    /**
     * This record in another state.
     *
     * @param s the new state
     * @return the new record
     */
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

    /**
     * This record as the store writes it, for sharing a global network's through the cluster
     * store: the same document on every host.
     *
     * @return JSON
     */
    public String toJson() {
        return Codec.write(this);
    }

    /**
     * A record from {@link #toJson}, checked by its constructor as a new one would be.
     *
     * @param json the document
     * @return the record
     * @throws org.libnetwork4j.InvalidParameterException if it is not one
     */
    public static NetworkRecord fromJson(String json) {
        try {
            return (NetworkRecord) Codec.read(Kind.NETWORK, json);
        } catch (java.io.IOException | RuntimeException e) {
            throw new org.libnetwork4j.InvalidParameterException("not a network record: " + e.getMessage());
        }
    }
}
