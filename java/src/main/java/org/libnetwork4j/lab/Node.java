package org.libnetwork4j.lab;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * Something in a lab that faults can be aimed at: a {@link LabHost} (a fake machine on the
 * lab's underlay) or a {@link LabSandbox} (a container on one of them).
 */
public sealed interface Node permits LabHost, LabSandbox {
    /**
     * The name it was given in the lab.
     *
     * @return a host's name, unique in the lab, or a sandbox's (its container id), unique on
     *         its host
     */
    String name();

    /**
     * Its network namespace, bind-mounted here (what {@code nsenter --net=} takes).
     *
     * @return the path of the namespace's bind mount
     */
    Path namespace();

    /**
     * The addresses others reach it by: a sandbox's endpoint addresses, a host's underlay
     * address. Read afresh on each call.
     *
     * @return the addresses, IPv4 before IPv6 for each endpoint; empty for a sandbox whose
     *         endpoints have none
     */
    List<InetAddress> addresses();
}
