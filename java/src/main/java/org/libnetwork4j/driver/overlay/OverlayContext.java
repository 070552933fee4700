package org.libnetwork4j.driver.overlay;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;

import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.driver.HostContext;

/**
 * What the overlay driver's parts ({@link OverlaySetup}, {@link OverlayJoins},
 * {@link OverlayRestore}) work with, handed to each at the driver's creation.
 *
 * @param host         the host namespace, where the VXLAN devices are created
 * @param runDir       the directory the networks' namespaces are mounted in
 * @param advertise    this host's address on the underlay
 * @param vniAllocator the VNIs of networks created without a vxlanid_list
 * @param directory    where endpoints are published and peers watched
 * @param networks     the driver's networks by id, shared by its parts
 */
record OverlayContext(HostContext host, Path runDir, InetAddress advertise, VniAllocator vniAllocator,
        PeerDirectory directory, Map<String, OverlayNetwork> networks) {

    /** The network, or NotFound. */
    OverlayNetwork network(String id) {
        OverlayNetwork n = networks.get(id);
        if (n == null) {
            throw new NotFoundException("overlay network " + id + " not found");
        }
        return n;
    }
}
