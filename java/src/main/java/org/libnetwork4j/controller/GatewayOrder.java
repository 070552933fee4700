package org.libnetwork4j.controller;

import java.util.Comparator;

/**
 * The order in which a sandbox's endpoints are candidates for its gateway endpoint, the one
 * whose network provides the default route: higher join priority first; then endpoints of
 * non-internal networks; then by network name (then endpoint name, to be total). The first
 * candidate that has a gateway wins. See {@link org.libnetwork4j.Sandbox} for how this
 * relates to Docker 20.10.
 */
final class GatewayOrder {
    private GatewayOrder() {
    }

    /** What the order looks at. */
    record Candidate(int priority, boolean internal, String networkName, String endpointName) {
    }

    static final Comparator<Candidate> ORDER = Comparator
            .comparingInt((Candidate c) -> -c.priority())
            .thenComparing(Candidate::internal)
            .thenComparing(Candidate::networkName)
            .thenComparing(Candidate::endpointName);
}
