package org.libnetwork4j.driver;

/**
 * An endpoint joining a sandbox.
 *
 * @param interfacePrefix the network's prefix for interface names in sandboxes ("eth")
 */
public record JoinRequest(String networkId, String endpointId, SandboxContext sandbox,
        String interfacePrefix) {
}
