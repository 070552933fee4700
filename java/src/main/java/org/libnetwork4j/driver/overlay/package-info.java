/**
 * The "overlay" driver ({@link org.libnetwork4j.driver.overlay.OverlayDriver}): networks that
 * span hosts over VXLAN, with the peers of each network programmed statically from a
 * {@link org.libnetwork4j.driver.overlay.PeerDirectory} and VNIs from the network's options or
 * a {@link org.libnetwork4j.driver.overlay.VniAllocator}. The in-memory directory and allocator
 * serve tests and single-JVM labs; a cluster supplies its own.
 */
package org.libnetwork4j.driver.overlay;
