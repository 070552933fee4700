package org.libnetwork4j.store;

import java.util.ArrayList;
import java.util.List;

import org.libnetwork4j.EndpointOptions;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.PortMapping;

/**
 * An endpoint as stored.
 *
 * @param id        its id
 * @param networkId its network's id
 * @param name      its name, unique in its network
 * @param state     {@link State#READY} (not joined) or {@link State#JOINED}; a record of an
 *                  older version may say {@link State#JOINING} or {@link State#LEAVING}
 * @param options   what it was created with
 * @param ipv4      its IPv4 address with the subnet's prefix length, or null
 * @param ipv6      its IPv6 address with the subnet's prefix length, or null
 * @param mac       the MAC its driver chose, or null
 * @param sandboxId the sandbox it is joined to (or joining, or leaving), else null
 * @param ifname    its interface's name in that sandbox
 * @param priority  its join priority (gateway election)
 * @param ports     its published ports as they are live now (host ports chosen, so that a
 *                  restart keeps them)
 */
public record EndpointRecord(String id, String networkId, String name, State state, EndpointOptions options,
        IpPrefix ipv4, IpPrefix ipv6, MacAddress mac, String sandboxId, String ifname, int priority,
        List<PortMapping> ports) implements StoredObject {

    /**
     * Copies ports, which may not be null.
     *
     * @param id        its id
     * @param networkId its network's id
     * @param name      its name
     * @param state     where it stands
     * @param options   what it was created with
     * @param ipv4      its IPv4 address, or null
     * @param ipv6      its IPv6 address, or null
     * @param mac       its MAC, or null
     * @param sandboxId its sandbox, or null
     * @param ifname    its interface's name in the sandbox, or null
     * @param priority  its join priority
     * @param ports     its published ports
     */
    public EndpointRecord {
        ports = List.copyOf(ports);
    }

    /**
     * This endpoint with a join under way (the intent older versions wrote).
     *
     * @param sandbox       the sandbox's id
     * @param interfaceName the interface's name in it
     * @param prio          the join's priority
     * @return the record in state {@link State#JOINING}, without published ports
     */
    public EndpointRecord joining(String sandbox, String interfaceName, int prio) {
        return new EndpointRecord(id, networkId, name, State.JOINING, options, ipv4, ipv6, mac, sandbox,
                interfaceName, prio, List.of());
    }

    /**
     * This record in another state, with its join kept.
     *
     * @param s         the new state
     * @param livePorts its published ports now
     * @return the new record
     */
    public EndpointRecord with(State s, List<PortMapping> livePorts) {
        return new EndpointRecord(id, networkId, name, s, options, ipv4, ipv6, mac, sandboxId, ifname, priority,
                livePorts);
    }

    /**
     * This endpoint joined to nothing.
     *
     * @return the record in state {@link State#READY}, without sandbox, interface, priority or
     *         published ports
     */
    public EndpointRecord unjoined() {
        return new EndpointRecord(id, networkId, name, State.READY, options, ipv4, ipv6, mac, null, null, 0,
                List.of());
    }

    @Override
    public Kind kind() {
        return Kind.ENDPOINT;
    }

    @Override
    public String parent() {
        return networkId;
    }

    @Override
    public List<String> addresses() {
        List<String> l = new ArrayList<>();
        if (ipv4 != null) {
            l.add(ipv4.toString());
        }
        if (ipv6 != null) {
            l.add(ipv6.toString());
        }
        return l;
    }
}
