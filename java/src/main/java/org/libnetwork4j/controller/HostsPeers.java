package org.libnetwork4j.controller;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.libnetwork4j.IpAddresses;

/**
 * The aliases of endpoints in the hosts files of the other sandboxes on their networks, as
 * Docker's legacy links did: what serves names where no resolver runs (a controller opened for
 * one command). A sandbox whose resolv.conf names the embedded resolver keeps them out of its
 * file ({@link SandboxFiles}): the resolver answers them. Runs with no lock held: the peers are
 * read first (network and endpoint state), then each sandbox takes only its own lock to write.
 */
final class HostsPeers {
    private HostsPeers() {
    }

    /**
     * After a join or leave on n by sb: sb's hosts file gets the aliases of its peers on its
     * networks; and if the endpoint has aliases, every other sandbox on n gets them (or loses
     * them).
     */
    static void afterChange(NetworkImpl n, SandboxImpl sb, boolean endpointHasAliases) {
        if (!endpointHasAliases && !n.hasAliases()) {
            // The usual case. n adds no line to sb's hosts file nor takes one away, and sb's
            // other networks did not change. (The endpoint's own aliases are checked first: one
            // that was just deleted no longer counts in n, but its lines are still in its
            // peers' files.)
            return;
        }
        refresh(sb);
        if (endpointHasAliases) {
            refreshAll(n);
        }
    }

    /** Every sandbox joined to n rewrites its hosts file's alias lines. */
    static void refreshAll(NetworkImpl n) {
        Set<SandboxImpl> seen = new LinkedHashSet<>();
        for (EndpointImpl e : n.endpointList()) {
            SandboxImpl s = e.joinedSandbox();
            if (s != null) {
                seen.add(s);
            }
        }
        seen.forEach(HostsPeers::refresh);
    }

    /** sb's alias lines: the aliases of the other sandboxes' endpoints on its networks. */
    static void refresh(SandboxImpl sb) {
        List<String> lines = new ArrayList<>();
        for (NetworkImpl n : sb.networks()) {
            if (!n.hasAliases()) {
                continue; // the common case: nothing to read, whatever the number of peers
            }
            for (EndpointImpl peer : n.endpointList()) {
                SandboxImpl where = peer.joinedSandbox();
                if (where == null || where == sb || peer.aliases().isEmpty()) {
                    continue;
                }
                String names = String.join(" ", peer.aliases());
                if (peer.ipv4() != null) {
                    lines.add(IpAddresses.format(peer.ipv4().address()) + "\t" + names);
                }
                if (peer.ipv6() != null) {
                    lines.add(IpAddresses.format(peer.ipv6().address()) + "\t" + names);
                }
            }
        }
        sb.setPeerLines(lines);
    }
}
