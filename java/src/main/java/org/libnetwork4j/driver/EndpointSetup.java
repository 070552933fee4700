package org.libnetwork4j.driver;

import org.libnetwork4j.MacAddress;

/**
 * What the driver chose for an endpoint: its MAC (null where there is no interface).
 *
 * @param mac the interface's MAC, or null (host and null drivers; ipvlan, whose devices use
 *            the parent's)
 */
public record EndpointSetup(MacAddress mac) {
}
