package org.libnetwork4j.controller;

import java.util.ArrayList;
import java.util.List;

import org.libnetwork4j.PortMapping;
import org.libnetwork4j.controller.EndpointImpl.Persisted;
import org.libnetwork4j.store.EndpointRecord;
import org.libnetwork4j.store.State;
import org.libnetwork4j.store.StoredObject;

/**
 * What the store is told of joins, and when. The guarantee: once a call returns, a kill -9
 * loses nothing it did; a call cut short is finished or undone at recovery. A join whose
 * driver stamped its label on a kernel object ({@link org.libnetwork4j.driver.JoinResult#labelled})
 * is found again from the kernel, so its record may follow the call (built and written by
 * {@code putLater}, not on the caller's time); one the kernel cannot tell (host and null
 * networks, nothing made) or that holds published ports (the host ports chosen must come back
 * as they were) is stored before the call returns.
 */
final class Records {
    private Records() {
    }

    /** An endpoint's record, joined per a (or not, with null). */
    static EndpointRecord of(EndpointImpl ep, String sandboxId, Attachment a, List<PortMapping> ports) {
        return new EndpointRecord(ep.id(), ep.networkId(), ep.name(), a == null ? State.READY : State.JOINED,
                ep.options(), ep.ipv4(), ep.ipv6(), ep.mac(), a == null ? null : sandboxId,
                a == null ? null : a.ifname(), a == null ? 0 : a.priority(), ports);
    }

    /**
     * Brings the store up to date with a sandbox's attachments (their published ports move
     * with the gateway endpoint) and with endpoints that left it: only what changed is
     * written, and only what needs it before returning. If that write fails, nothing is
     * changed and the failure is thrown (the caller's undo runs).
     */
    static void sync(Context ctx, String sandboxId, List<Attachment> attachments, List<EndpointImpl> left) {
        List<StoredObject> now = new ArrayList<>(0);
        List<Runnable> later = new ArrayList<>(1);
        List<Runnable> revert = new ArrayList<>(1);
        for (Attachment a : attachments) {
            EndpointImpl ep = a.endpoint();
            Persisted was = ep.persisted();
            List<PortMapping> ports = a.driver().endpointOperInfo(a.networkId(), ep.id()).ports();
            if (was.attachment() == a && was.ports().equals(ports)) {
                continue;
            }
            boolean unlabelled = !a.join().labelled();
            ep.persisted(new Persisted(true, a, ports, unlabelled));
            revert.add(() -> ep.persisted(was));
            if (unlabelled || !ports.isEmpty() || !was.ports().isEmpty()) {
                now.add(of(ep, sandboxId, a, ports));
            } else {
                later.add(() -> ctx.store().putLater(StoredObject.Kind.ENDPOINT, ep.id(),
                        () -> of(ep, sandboxId, a, List.of())));
            }
        }
        for (EndpointImpl ep : left) {
            Persisted was = ep.persisted();
            if (!was.joined()) {
                continue;
            }
            ep.persisted(Persisted.READY);
            revert.add(() -> ep.persisted(was));
            if (was.unlabelled() || !was.ports().isEmpty() || was.attachment() == null) {
                now.add(of(ep, null, null, List.of()));
            } else {
                later.add(() -> ctx.store().putLater(StoredObject.Kind.ENDPOINT, ep.id(),
                        () -> of(ep, null, null, List.of())));
            }
        }
        if (!now.isEmpty()) {
            try {
                ctx.store().put(now.toArray(StoredObject[]::new));
            } catch (RuntimeException e) {
                revert.forEach(Runnable::run);
                throw e;
            }
        }
        later.forEach(Runnable::run);
    }

    /** What the store holds of an endpoint taken up after a restart. */
    static Persisted persisted(EndpointRecord r, boolean unlabelled) {
        return r.state() == State.JOINED ? new Persisted(true, null, r.ports(), unlabelled) : Persisted.READY;
    }
}
