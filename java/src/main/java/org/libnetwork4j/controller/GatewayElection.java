package org.libnetwork4j.controller;

import java.util.Collection;
import java.util.Comparator;

/**
 * Which of a sandbox's endpoints is its gateway endpoint, the one whose network provides the
 * default route: among those with a gateway, higher join priority first; then endpoints of
 * non-internal networks; then by network name (then endpoint name, to be total). See
 * {@link org.libnetwork4j.Sandbox} for how this relates to Docker 20.10. Pure: no kernel.
 */
final class GatewayElection {
    private GatewayElection() {
    }

    /** What the order looks at. */
    record Candidate(int priority, boolean internal, String networkName, String endpointName) {
    }

    static final Comparator<Candidate> ORDER = Comparator
            .comparingInt((Candidate c) -> -c.priority())
            .thenComparing(Candidate::internal)
            .thenComparing(Candidate::networkName)
            .thenComparing(Candidate::endpointName);

    /** The winner among attachments, or null if none has a gateway. */
    static Attachment elect(Collection<Attachment> attachments) {
        Attachment best = null;
        for (Attachment a : attachments) {
            if (a.hasGateway() && (best == null || ORDER.compare(a.candidate(), best.candidate()) < 0)) {
                best = a;
            }
        }
        return best;
    }
}
