package org.libnetwork4j.driver;

import org.libnetwork4j.MacAddress;

/** What the driver chose for an endpoint: its MAC (null where there is no interface). */
public record EndpointSetup(MacAddress mac) {
}
