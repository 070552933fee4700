package org.libnetwork4j.driver.overlay;

import java.util.HashMap;
import java.util.Map;

import org.libnetwork4j.driver.SandboxContext;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.testing.TestNs;

/** A throwaway namespace as the sandbox of a join, with the controller's eth0, eth1... counter. */
final class TestSandbox implements SandboxContext {
    private final String id;
    private final TestNs ns;
    private final Map<String, Integer> next = new HashMap<>();

    TestSandbox(String id, TestNs ns) {
        this.id = id;
        this.ns = ns;
    }

    TestNs ns() {
        return ns;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Netns netns() {
        return ns.netns();
    }

    @Override
    public Netlink netlink() {
        return ns.netlink();
    }

    @Override
    public synchronized String nextInterfaceName(String prefix) {
        int i = next.merge(prefix, 1, Integer::sum) - 1;
        return prefix + i;
    }
}
