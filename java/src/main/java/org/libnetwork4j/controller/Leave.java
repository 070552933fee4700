package org.libnetwork4j.controller;

import java.util.List;

import org.libnetwork4j.NotFoundException;

/**
 * An endpoint leaving a sandbox, the join's steps backwards: its external connectivity goes
 * if it was the gateway endpoint; its interface goes (moved back to the host first if the
 * sandbox had moved it in) and the driver's leave; another endpoint may become the gateway
 * endpoint; the hosts file; the store. Runs with the endpoint's lock held and takes the
 * sandbox's.
 */
final class Leave {
    private Leave() {
    }

    /**
     * Throws while the endpoint is still joined (its interface is there); once the interface
     * is gone the endpoint has left, and what fails after that (another endpoint's election,
     * the hosts file, the store) is returned for the caller to throw once it has recorded the
     * leave.
     *
     * @param sandboxGone the sandbox's namespace is about to be deleted and takes the interface
     *                    along: only bookkeeping, no kernel work for it and no store write
     *                    (the sandbox's delete forgets the records)
     */
    static RuntimeException run(Context ctx, EndpointImpl ep, SandboxImpl sb, boolean sandboxGone) {
        sb.lock();
        try {
            Attachments attached = sb.attachments();
            Attachment a = attached.of(ep);
            if (a == null) {
                throw new NotFoundException(ep + " is not attached to " + sb);
            }
            boolean wasGateway = attached.gateway() == a;
            attached.remove(a);
            boolean global = ep.network().isGlobal();
            if (global) {
                // first: held back, the withdrawal goes in the transaction that withdraws the
                // endpoint's peers (the driver's leave), and costs etcd no request of its own
                ctx.shared().withdrawNames(a.networkId(), ep.id());
            }
            try {
                // An interface we moved in goes back to the host before the driver's leave, as
                // libnetwork does; done even when the namespace goes, which would destroy a
                // virtual one and hand a physical one to the initial namespace.
                if (a.movedIn() != null) {
                    sb.os().moveOut(a.ifindex(), a.movedIn());
                }
                // a moved-out interface is in the host now: the driver removes it, namespace or not
                // an adopted namespace stays (it is someone else's): the driver takes its
                // interface out, as for a leave, even when the sandbox goes
                if (sb.os().isExternal() && !sb.os().callerMovesInterfaces() && a.movedIn() == null) {
                    // a runtime's namespace (CNI DEL): the driver may finish in the background;
                    // a disconnect from a sandbox of ours still returns with the pair gone, as
                    // its callers check, and so does one whose caller moves the interfaces
                    // (dockerd, which deletes the network right after); a join's rollback
                    // (Join) keeps the plain leave
                    a.driver().leaveAdopted(a.networkId(), ep.id());
                } else {
                    a.driver().leave(a.networkId(), ep.id(), sandboxGone && a.movedIn() == null);
                }
            } catch (RuntimeException e) {
                // still joined: unless the namespace goes and takes the interface along, the
                // attachment stays for a retry (a runtime's namespace stays, sandbox or not)
                if (!sandboxGone || sb.os().isExternal()) {
                    attached.add(a);
                    if (global) {
                        ctx.shared().publishNames(Join.remoteName(sb, ep));
                    }
                    if (wasGateway) {
                        try {
                            attached.elect(a); // its routes are still there; its ports come back
                        } catch (RuntimeException again) {
                            e.addSuppressed(again);
                        }
                    }
                }
                throw e;
            }
            // its interface is gone: so is its name, before this returns
            ctx.names().leave(a.networkId(), ep.id());
            if (sandboxGone) {
                return null;
            }
            Teardown after = new Teardown();
            after.step(() -> attached.elect(null));
            after.step(() -> sb.files().writeResolvConf(attached.resolvers())); // the hosts file follows it
            after.step(() -> sb.files().writeHosts(attached.ownAddresses()));
            after.step(() -> Records.sync(ctx, sb.id(), attached.all(), List.of(ep)));
            return after.first();
        } finally {
            sb.unlock();
        }
    }
}
