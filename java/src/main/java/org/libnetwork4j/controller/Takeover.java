package org.libnetwork4j.controller;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.libnetwork4j.PortMapping;
import org.libnetwork4j.driver.Driver;
import org.libnetwork4j.driver.EndpointRequest;
import org.libnetwork4j.driver.JoinRequest;
import org.libnetwork4j.driver.JoinResult;
import org.libnetwork4j.driver.RestorableDriver;
import org.libnetwork4j.store.EndpointRecord;
import org.libnetwork4j.store.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Recovery's part for endpoints and their joins: each endpoint taken up, and its join with it
 * if the kernel holds it whole, by the same steps a join takes (the attachment, gateway
 * election and external connectivity, the hosts file, the store), each in its restart form.
 * Where a join is found comes from its record, or, for one no record tells of yet, from the
 * label its driver stamped on the kernel.
 */
final class Takeover {
    private static final Logger LOG = LoggerFactory.getLogger(Takeover.class);

    private final Context ctx;
    private final Recovery.Report report;
    private final Set<String> claimed = new HashSet<>();
    private final Map<String, List<PortMapping>> storedPorts = new HashMap<>();
    private final Map<SandboxImpl, Map<Integer, SandboxOs.InterfaceState>> interfaces = new HashMap<>();
    /**
     * Sandboxes with a join the store did not know as it is (found by its label only, or
     * gone from the kernel): their gateway may have changed after what was stored, so their
     * default routes are made sure of. The others have them as their last completed
     * operation left them, and recovery does not enter their namespaces.
     */
    private final Set<SandboxImpl> unsettled = new HashSet<>();

    Takeover(Context ctx, Recovery.Report report) {
        this.ctx = ctx;
        this.report = report;
    }

    /** The endpoint's kernel objects stay (taken up, or of a record that cannot be read). */
    void claim(String endpointId) {
        claimed.add(endpointId);
    }

    Set<String> claimed() {
        return claimed;
    }

    void endpoint(NetworkImpl n, EndpointRecord r, String labelText, Map<String, SandboxImpl> sandboxes,
            Set<String> droppedSandboxes) {
        Driver d = n.driver();
        RestorableDriver rd = d instanceof RestorableDriver x ? x : null;
        d.createEndpoint(new EndpointRequest(n.id(), r.id(), r.ipv4(), r.ipv6(), r.mac(), r.options().ports(),
                r.options().hostPortsHeldByCaller()));
        EndpointImpl ep = n.restoredEndpoint(r);
        ep.persisted(Records.persisted(r, rd == null));
        String what = "endpoint " + r.name() + " of network " + n.name();

        if (r.state() == State.JOINING || r.state() == State.LEAVING) {
            // intents written by versions before kernel labels: the join is undone, the leave finished
            discard(rd, n, r.id());
            unjoin(ep, r);
            (r.state() == State.JOINING ? report.rolledBack : report.finished)
                    .add((r.state() == State.JOINING ? "join of " : "leave of ") + what);
            return;
        }
        // The kernel's label wins over the record: it is stamped before a join returns and goes
        // with the interface when a leave returns, while the record may lag behind both (a
        // leave and a join elsewhere whose records were still deferred).
        JoinLabel label = JoinLabel.parse(labelText);
        boolean recorded = r.state() == State.JOINED;
        String sandboxId = label != null ? label.sandboxId() : recorded ? r.sandboxId() : null;
        int priority = label != null ? label.priority() : recorded ? r.priority() : 0;
        if (sandboxId == null) {
            return; // made, not joined: nothing in the kernel
        }
        SandboxImpl sb = sandboxes.get(sandboxId);
        if (sb == null) {
            discard(rd, n, r.id());
            if (droppedSandboxes.contains(sandboxId)) {
                // its sandbox is gone: the endpoint goes with it
                d.deleteEndpoint(n.id(), r.id());
                n.addresses().release(r.ipv4(), r.ipv6());
                n.removeEndpoint(ep);
                ctx.store().delete(r);
                report.dropped.add(what + ": its sandbox is gone");
            } else {
                unjoin(ep, r);
                report.dropped.add("join of " + what + ": its sandbox is gone");
            }
            return;
        }
        Optional<JoinResult> found = rd == null ? Optional.of(JoinResult.NOTHING)
                : rd.restoreJoin(new JoinRequest(n.id(), r.id(), sb, n.interfacePrefix(),
                        new JoinLabel(sandboxId, priority).format()));
        if (found.isEmpty()) {
            unsettled.add(sb);
            unjoin(ep, r);
            report.dropped.add("join of " + what + ": its interface is gone");
            return;
        }
        JoinResult jr = found.get();
        int index = jr.iface() instanceof JoinResult.Iface.InSandbox in ? in.index() : 0;
        String name = jr.iface() instanceof JoinResult.Iface.InSandbox in ? in.name() : null;
        // A join the record names is taken as the kernel has it (the container may have changed
        // its interface since); one only the label tells of must have got as far as its
        // addresses and up (the same batch, cut anywhere by a kill).
        boolean recordedHere = recorded && sandboxId.equals(r.sandboxId());
        if (!recordedHere) {
            unsettled.add(sb);
        }
        if (index != 0 && !recordedHere && sb.os().callerMovesInterfaces()) {
            // the interface is in the caller's namespace, configured by the caller: the
            // driver's finding it (by its label) is all there is to check
            unsettled.add(sb);
            name = name != null ? name : r.ifname();
        } else if (index != 0 && !recordedHere) {
            SandboxOs.InterfaceState state = interfaceOf(sb, index);
            if (!carriedThrough(state, r)) {
                // cut short between the interface and its addresses: undone
                discard(rd, n, r.id());
                unjoin(ep, r);
                report.rolledBack.add("join of " + what);
                LOG.info("join of {} was cut short: undone", what);
                return;
            }
            name = name != null ? name : state.name();
        } else if (index != 0 && name == null) {
            name = r.ifname();
        }
        Attachment a = new Attachment(ep, d, n.id(), n.name(), n.internal(), jr, index, name, null, priority,
                sb.os().callerMovesInterfaces() ? n.interfacePrefix() : null);
        sb.lock();
        try {
            sb.attachments().add(a);
            sb.restoreInterfaceIndex(n.interfacePrefix(), name);
        } finally {
            sb.unlock();
        }
        ep.restoreJoined(sb, a);
        storedPorts.put(r.id(), r.ports());
        claimed.add(r.id());
        if (!recorded) {
            LOG.info("join of {} to {} found in the kernel", what, sb);
        }
    }

    private SandboxOs.InterfaceState interfaceOf(SandboxImpl sb, int index) {
        return interfaces.computeIfAbsent(sb, s -> s.os().interfaces()).get(index);
    }

    /** Whether the interface is up with the endpoint's addresses: the join got that far. */
    private static boolean carriedThrough(SandboxOs.InterfaceState state, EndpointRecord r) {
        return state != null && state.up()
                && (r.ipv4() == null || state.addresses().contains(r.ipv4().toString()))
                && (r.ipv6() == null || state.addresses().contains(r.ipv6().toString()));
    }

    private static void discard(RestorableDriver rd, NetworkImpl n, String endpointId) {
        if (rd != null) {
            rd.discardJoin(n.id(), endpointId);
        }
    }

    private void unjoin(EndpointImpl ep, EndpointRecord r) {
        if (r.state() != State.READY) {
            ctx.store().put(Records.of(ep, null, null, List.of()));
        }
        ep.persisted(EndpointImpl.Persisted.READY);
    }

    /**
     * A sandbox's attachments taken up: its gateway endpoint elected again (default routes
     * ensured, published ports live with the host ports they had), and the store told of joins
     * it did not know yet. (Its hosts file is the recovery's, with its other files.)
     */
    void finish(SandboxImpl sb) {
        sb.lock();
        try {
            List<String> routes = new java.util.ArrayList<>();
            for (PortMapping m : sb.attachments().restoreGateway(storedPorts, routes, unsettled.contains(sb))) {
                String w = "host port " + m + " of the sandbox of container " + sb.containerId()
                        + " is taken by another program: its rule is in place, the port is not reserved";
                report.warnings.add(w);
                LOG.warn("recovery: {}", w);
            }
            for (String w : routes) {
                report.warnings.add(w + " (in the sandbox of container " + sb.containerId() + ")");
                LOG.warn("recovery: {} in the sandbox of container {}", w, sb.containerId());
            }
            Records.sync(ctx, sb.id(), sb.attachments().all(), List.of());
        } finally {
            sb.unlock();
        }
    }
}
