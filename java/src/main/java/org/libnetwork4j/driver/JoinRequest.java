package org.libnetwork4j.driver;

/**
 * An endpoint joining a sandbox.
 *
 * @param networkId       the endpoint's network
 * @param endpointId      the endpoint joining
 * @param sandbox         the sandbox it joins
 * @param interfacePrefix the network's prefix for interface names in sandboxes ("eth")
 * @param label           the controller's words for this join (its sandbox, its priority). A
 *                        driver that can stamp them on the kernel object it makes (an
 *                        interface alias) does, says so in {@link JoinResult#labelled}, and
 *                        gives them back after a restart ({@link RestorableDriver#joinLabels}):
 *                        the controller then need not store the join before it returns
 */
public record JoinRequest(String networkId, String endpointId, SandboxContext sandbox, String interfacePrefix,
        String label) {
}
