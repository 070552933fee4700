package org.libnetwork4j.driver;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.libnetwork4j.PortMapping;

/**
 * A driver with kernel state that a controller opened after a restart (a close, a crash, a
 * reboot) takes up. None of these may disturb a live network: kernel objects that are there
 * are taken as they are; only what is missing is made, and only leftovers of interrupted work
 * are removed. The controller calls them in its recovery, before anyone else can use it.
 */
public interface RestorableDriver extends Driver {

    /** What the driver must remember of a network across restarts (stored with it). */
    Map<String, String> networkState(String networkId);

    /**
     * Takes up a network created before the restart, with the state {@link #networkState}
     * gave: its kernel objects as they are, or made again if they are gone (after a reboot).
     */
    void restoreNetwork(NetworkRequest request, Map<String, String> state);

    /**
     * Removes whatever is left of a network whose create or delete was cut short, without
     * making anything first. state is what {@link #networkState} gave, empty if it was never
     * stored (an interrupted create).
     */
    void discardNetwork(NetworkRequest request, Map<String, String> state);

    /**
     * The labels of the joins the kernel holds ({@link JoinRequest#label}), by endpoint id,
     * over every network taken up: how joins that were not stored are found again.
     */
    Map<String, String> joinLabels();

    /**
     * Instead of {@link #joinLabels}, when the last controller closed cleanly: every join is
     * on record, so the driver reads only what it needs to take them up ({@link #restoreJoin})
     * and not their labels. What it takes up is trusted to be the record's join. endpointIds:
     * every endpoint on record. Default: {@link #joinLabels}, whose result is then not needed.
     */
    default void prepareRecordedJoins(Set<String> endpointIds) {
        joinLabels();
    }

    /**
     * Takes up an endpoint's join made before the restart, as the kernel has it. Empty if the
     * kernel no longer has it (then whatever is left of it has been removed). An interface in
     * the sandbox may come back with a null name: the controller then takes it from its
     * record or reads it from the sandbox, so that a driver need not enter every sandbox.
     */
    Optional<JoinResult> restoreJoin(JoinRequest request);

    /** Removes what an interrupted join or leave of the endpoint left in the kernel. */
    void discardJoin(String networkId, String endpointId);

    /**
     * Makes an endpoint's published ports live again after a restart, with the host ports
     * they had ({@code mappings}; empty: allocate as {@link #programExternalConnectivity}).
     *
     * @return the mappings whose host port could not be reserved again (another program took
     *         it meanwhile); their rules are in place
     */
    List<PortMapping> restoreExternalConnectivity(String networkId, String endpointId, List<PortMapping> mappings);

    /**
     * Removes kernel objects of this driver that belong to no endpoint in {@code joined}
     * (interfaces of joins nobody claims); returns what it removed, for the report.
     */
    List<String> removeOrphans(Set<String> joined);
}
