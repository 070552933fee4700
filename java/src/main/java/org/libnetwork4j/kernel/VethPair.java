package org.libnetwork4j.kernel;

/** Both ends of a new veth pair, each read back through its own namespace's handle. */
public record VethPair(Link host, Link peer) {
}
