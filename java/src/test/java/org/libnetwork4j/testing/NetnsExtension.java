package org.libnetwork4j.testing;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test method a fresh {@link Namespaces} parameter and removes everything in it when
 * the test ends, whether it passed, failed or timed out (the store closes it).
 *
 * <p>Tests need root. Without it they are skipped in {@code beforeEach}: never in
 * {@code @BeforeAll}, where Surefire would report zero tests instead of skipped ones.
 */
public final class NetnsExtension implements BeforeEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace STORE =
            ExtensionContext.Namespace.create(NetnsExtension.class);

    /** Effective uid 0 (the lab's check: both extensions skip alike). */
    static boolean isRoot() {
        return org.libnetwork4j.lab.Lab.runningAsRoot();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Assumptions.assumeTrue(isRoot(), "needs root to create network namespaces");
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        return p.getParameter().getType() == Namespaces.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
        Assumptions.assumeTrue(isRoot(), "needs root to create network namespaces");
        return c.getStore(STORE).getOrComputeIfAbsent("namespaces", k -> new Resource(),
                Resource.class).namespaces;
    }

    /** Closed by JUnit when the test's store goes away. */
    private static final class Resource implements ExtensionContext.Store.CloseableResource {
        final Namespaces namespaces = new Namespaces();

        @Override
        public void close() {
            namespaces.close();
        }
    }
}
