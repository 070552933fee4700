package org.libnetwork4j.driver;

import java.util.List;

import org.libnetwork4j.PortMapping;

/**
 * What an endpoint is now, as its driver knows it (EndpointOperInfo).
 *
 * @param ports its published ports as they are live now (host ports chosen)
 */
public record EndpointOperInfo(List<PortMapping> ports) {
    public static final EndpointOperInfo NONE = new EndpointOperInfo(List.of());

    public EndpointOperInfo {
        ports = List.copyOf(ports);
    }
}
