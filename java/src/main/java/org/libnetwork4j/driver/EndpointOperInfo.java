package org.libnetwork4j.driver;

import java.util.List;

import org.libnetwork4j.PortMapping;

/**
 * What an endpoint is now, as its driver knows it (EndpointOperInfo).
 *
 * @param ports its published ports as they are live now (host ports chosen)
 */
public record EndpointOperInfo(List<PortMapping> ports) {
    /** Nothing to report: no published port live. */
    public static final EndpointOperInfo NONE = new EndpointOperInfo(List.of());

    /**
     * Copies ports into an immutable list.
     *
     * @param ports the published ports live now, not null
     */
    public EndpointOperInfo {
        ports = List.copyOf(ports);
    }
}
