package org.libnetwork4j.kernel;

/**
 * Both ends of a new veth pair, each read back through its own namespace's handle.
 *
 * @param host the end named NAME, in the namespace of the handle that created the pair
 * @param peer the end named PEER, in the namespace it was born in (its index is valid there only)
 */
public record VethPair(Link host, Link peer) {
}
