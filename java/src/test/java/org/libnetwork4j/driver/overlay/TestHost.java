package org.libnetwork4j.driver.overlay;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.driver.HostContext;
import org.libnetwork4j.kernel.Netlink;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.testing.TestNs;

/** A fake host's namespace as a driver sees it: one netlink handle, lent to one caller at a time. */
final class TestHost implements HostContext {
    private final TestNs ns;

    TestHost(TestNs ns) {
        this.ns = ns;
    }

    @Override
    public Netns namespace() {
        return ns.netns();
    }

    @Override
    public synchronized <T> T withNetlink(Function<Netlink, T> fn) {
        return fn.apply(ns.netlink());
    }

    @Override
    public CompletableFuture<Void> deleteLinkLater(int index, String name) {
        try {
            withNetlink(nl -> {
                nl.deleteLink(index);
                return null;
            });
        } catch (NotFoundException gone) {
            // deleted already counts as deleted
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return CompletableFuture.completedFuture(null);
    }
}
