package org.libnetwork4j.driver.overlay;

import java.net.InetAddress;
import java.util.Objects;

import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.MacAddress;

/**
 * An endpoint of an overlay network as the other hosts must know it to reach it: which VXLAN
 * segment it is on, its address and MAC, and the underlay address of the host it lives on.
 * One per address: an endpoint with IPv4 and IPv6 is two peers with one MAC.
 *
 * @param networkId the network's id
 * @param vni       the VXLAN network identifier of its segment, 1 to 16777215
 * @param ip        the endpoint's address in the overlay
 * @param mac       the endpoint's MAC
 * @param vtep      the advertise address of the host it lives on (its VXLAN tunnel endpoint)
 */
public record Peer(String networkId, int vni, InetAddress ip, MacAddress mac, InetAddress vtep) {
    /**
     * Requires every component, and a VNI in range.
     *
     * @param networkId the network's id, not null
     * @param vni       1 to 16777215
     * @param ip        the endpoint's address, not null
     * @param mac       its MAC, not null
     * @param vtep      its host's advertise address, not null
     * @throws InvalidParameterException if vni is out of range
     */
    public Peer {
        Objects.requireNonNull(networkId, "networkId");
        Objects.requireNonNull(ip, "ip");
        Objects.requireNonNull(mac, "mac");
        Objects.requireNonNull(vtep, "vtep");
        if (vni < OverlaySettings.MIN_VNI || vni > OverlaySettings.MAX_VNI) {
            throw new InvalidParameterException("vni " + vni + " is not in " + OverlaySettings.MIN_VNI + ".."
                    + OverlaySettings.MAX_VNI);
        }
    }
}
