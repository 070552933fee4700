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
 * @param sandboxId the sandbox it is joined to (or joining, or leaving), else null
 * @param ifname    its interface's name in that sandbox
 * @param priority  its join priority (gateway election)
 * @param ports     its published ports as they are live now (host ports chosen, so that a
 *                  restart keeps them)
 */
public record EndpointRecord(String id, String networkId, String name, State state, EndpointOptions options,
        IpPrefix ipv4, IpPrefix ipv6, MacAddress mac, String sandboxId, String ifname, int priority,
        List<PortMapping> ports) implements StoredObject {

    public EndpointRecord {
        ports = List.copyOf(ports);
    }

    public EndpointRecord joining(String sandbox, String interfaceName, int prio) {
        return new EndpointRecord(id, networkId, name, State.JOINING, options, ipv4, ipv6, mac, sandbox,
                interfaceName, prio, List.of());
    }

    public EndpointRecord with(State s, List<PortMapping> livePorts) {
        return new EndpointRecord(id, networkId, name, s, options, ipv4, ipv6, mac, sandboxId, ifname, priority,
                livePorts);
    }

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
