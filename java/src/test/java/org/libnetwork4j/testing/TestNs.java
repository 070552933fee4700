package org.libnetwork4j.testing;

import java.nio.file.Path;

import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.kernel.Nftables;

/**
 * One throwaway namespace of a test: a fake host or a container. Handles opened through it
 * are closed, and the namespace deleted, when the test ends (also on failure or timeout).
 */
public final class TestNs implements NsRef {
    private final String name;
    private final Netns netns;
    private final Namespaces owner;
    private Netlink netlink;
    private Nftables nftables;

    TestNs(String name, Netns netns, Namespaces owner) {
        this.name = name;
        this.netns = netns;
        this.owner = owner;
    }

    /** The namespace file's name, e.g. "lnwt-host". */
    public String name() {
        return name;
    }

    /** Where it is bind-mounted: what nsenter --net= and the oracle use. */
    @Override
    public Path path() {
        return netns.path().orElseThrow();
    }

    public Netns netns() {
        return netns;
    }

    /** A netlink handle bound to this namespace, opened on first use. */
    public synchronized Netlink netlink() {
        if (netlink == null) {
            netlink = owner.track(Netlink.open(netns));
        }
        return netlink;
    }

    /** An nftables handle bound to this namespace, opened on first use. */
    public synchronized Nftables nftables() {
        if (nftables == null) {
            nftables = owner.track(Nftables.open(netns));
        }
        return nftables;
    }

    @Override
    public String toString() {
        return name;
    }
}
