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

    /**
     * What the driver must remember of a network across restarts (stored with it). Asked when
     * the network is created and when its delete begins, and after a restart once it is taken
     * up (stored again if it changed).
     *
     * @param networkId a network this driver made or took up
     * @return what {@link #restoreNetwork} or {@link #discardNetwork} gets back; empty for
     *         nothing
     * @throws org.libnetwork4j.NotFoundException if the network is not this driver's
     */
    Map<String, String> networkState(String networkId);

    /**
     * Takes up a network created before the restart, with the state {@link #networkState}
     * gave: its kernel objects as they are, or made again if they are gone (after a reboot).
     * Called for each network whose record is complete, in the order they were created, before
     * any of their endpoints is taken up.
     *
     * @param request the network as stored, its settings parsed again and its subnets
     *                reserved again in IPAM
     * @param state   its driver state as last stored
     * @throws org.libnetwork4j.NetworkException if the network cannot be taken up (the host's
     *         parent link of a macvlan network is gone): the controller keeps its record and
     *         its subnets for the next start, and reports a warning
     */
    void restoreNetwork(NetworkRequest request, Map<String, String> state);

    /**
     * Removes whatever is left of a network whose create or delete was cut short, without
     * making anything first. state is what {@link #networkState} gave, empty if it was never
     * stored (an interrupted create). The controller then releases its subnets and removes its
     * record.
     *
     * @param request the network as its record has it
     * @param state   its stored driver state, possibly empty
     * @throws org.libnetwork4j.NetworkException if what is left cannot be removed: the record
     *         stays, for the next start to try again
     */
    void discardNetwork(NetworkRequest request, Map<String, String> state);

    /**
     * The labels of the joins the kernel holds ({@link JoinRequest#label}), by endpoint id,
     * over every network taken up: how joins that were not stored are found again. Called
     * after a crash (the last controller did not close cleanly), once networks and sandboxes
     * are taken up and before any join is.
     *
     * @return the labels by endpoint id; empty for a driver that stamps none
     */
    Map<String, String> joinLabels();

    /**
     * Instead of {@link #joinLabels}, when the last controller closed cleanly: every join is
     * on record, so the driver reads only what it needs to take them up ({@link #restoreJoin})
     * and not their labels. What it takes up is trusted to be the record's join. endpointIds:
     * every endpoint on record. Default: {@link #joinLabels}, whose result is then not needed.
     *
     * @param endpointIds the ids of every endpoint on record, of any network
     */
    default void prepareRecordedJoins(Set<String> endpointIds) {
        joinLabels();
    }

    /**
     * Takes up an endpoint's join made before the restart, as the kernel has it. Empty if the
     * kernel no longer has it (then whatever is left of it has been removed). An interface in
     * the sandbox may come back with a null name: the controller then takes it from its
     * record or reads it from the sandbox, so that a driver need not enter every sandbox.
     * Called for each join the store or a label tells of whose sandbox is taken up, after
     * {@link #createEndpoint} for its endpoint.
     *
     * @param request the join: its sandbox, and the label of the join as the kernel or the
     *                record has it
     * @return the join as the kernel holds it, or empty
     */
    Optional<JoinResult> restoreJoin(JoinRequest request);

    /**
     * Removes what an interrupted join or leave of the endpoint left in the kernel. Called at
     * recovery for a join that is not taken up: its sandbox is gone, or it was cut short.
     *
     * @param networkId  the endpoint's network
     * @param endpointId the endpoint whose join goes
     */
    void discardJoin(String networkId, String endpointId);

    /**
     * Makes an endpoint's published ports live again after a restart, with the host ports
     * they had ({@code mappings}; empty: allocate as {@link #programExternalConnectivity}).
     * Called instead of {@link #programExternalConnectivity} for each sandbox's gateway
     * endpoint, elected again once all of the sandbox's joins are taken up.
     *
     * @param networkId  the endpoint's network
     * @param endpointId the sandbox's gateway endpoint
     * @param mappings   its published ports as stored, host ports chosen
     * @return the mappings whose host port could not be reserved again (another program took
     *         it meanwhile); their rules are in place
     */
    List<PortMapping> restoreExternalConnectivity(String networkId, String endpointId, List<PortMapping> mappings);

    /**
     * Removes kernel objects of this driver that belong to no endpoint in {@code joined}
     * (interfaces of joins nobody claims); returns what it removed, for the report. Called
     * at recovery once every join is taken up and every gateway endpoint elected again.
     *
     * @param joined the endpoints whose kernel objects stay: joins taken up, and endpoints of
     *               records that cannot be read or whose network could not be taken up
     * @return one description per object removed (for a bridge, the interface and its bridge)
     */
    List<String> removeOrphans(Set<String> joined);
}
