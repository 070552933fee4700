package org.libnetwork4j.lab;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * Something in a lab that faults can be aimed at: a {@link LabHost} (a fake machine on the
 * lab's underlay) or a {@link LabSandbox} (a container on one of them).
 */
public sealed interface Node permits LabHost, LabSandbox {
    /** The name it was given in the lab. */
    String name();

    /** Its network namespace, bind-mounted here (what {@code nsenter --net=} takes). */
    Path namespace();

    /**
     * The addresses others reach it by: a sandbox's endpoint addresses, a host's underlay
     * address. Read afresh on each call.
     */
    List<InetAddress> addresses();
}
