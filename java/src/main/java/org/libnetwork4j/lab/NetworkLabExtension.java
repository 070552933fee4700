package org.libnetwork4j.lab;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * The JUnit 5 side of {@link NetworkLab}: makes the labs, puts them in fields and parameters,
 * and closes them. Labs of a test are closed in afterEach, those of static fields in afterAll,
 * so a lab is gone before the next test starts, and an error while closing it fails the test
 * that used it. The root check is an assumption in beforeEach (never in beforeAll, where a
 * build would report zero tests rather than skipped ones).
 */
public final class NetworkLabExtension
        implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace STORE = ExtensionContext.Namespace.create(NetworkLabExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (!Lab.runningAsRoot()) {
            return; // beforeEach skips every test
        }
        for (Field f : labFields(context.getRequiredTestClass(), true)) {
            f.set(null, open(context, f.getAnnotation(NetworkLab.class)));
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        Assumptions.assumeTrue(Lab.runningAsRoot(), "a network lab needs root");
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            for (Field f : labFields(instance.getClass(), false)) {
                f.set(instance, open(context, f.getAnnotation(NetworkLab.class)));
            }
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        return p.getParameter().getType() == Lab.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
        Assumptions.assumeTrue(Lab.runningAsRoot(), "a network lab needs root");
        NetworkLab spec = p.findAnnotation(NetworkLab.class)
                .or(() -> AnnotationSupport.findAnnotation(c.getRequiredTestClass(), NetworkLab.class))
                .orElse(null);
        return open(c, spec);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        closeAll(context);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        closeAll(context);
    }

    /** A new lab, registered in context's store to be closed when that context ends. */
    private static Lab open(ExtensionContext context, NetworkLab spec) {
        Lab lab = Lab.create();
        labs(context).add(lab);
        int hosts = spec == null ? 0 : spec.hosts();
        for (int i = 1; i <= hosts; i++) {
            lab.host("h" + i);
        }
        return lab;
    }

    @SuppressWarnings("unchecked")
    private static List<Lab> labs(ExtensionContext context) {
        // keyed by context: a store lookup falls back to the parent's, and a test must never
        // close the class's lab
        return context.getStore(STORE).getOrComputeIfAbsent("labs " + context.getUniqueId(),
                k -> new ArrayList<Lab>(), List.class);
    }

    private static void closeAll(ExtensionContext context) {
        List<Lab> labs = labs(context);
        RuntimeException first = null;
        for (Lab lab : labs) {
            try {
                lab.close();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        labs.clear();
        if (first != null) {
            throw first;
        }
    }

    private static List<Field> labFields(Class<?> type, boolean statics) {
        List<Field> fields = AnnotationSupport.findAnnotatedFields(type, NetworkLab.class,
                f -> Modifier.isStatic(f.getModifiers()) == statics);
        for (Field f : fields) {
            if (f.getType() != Lab.class) {
                throw new ExtensionConfigurationException("@NetworkLab field " + f.getName() + " of "
                        + type.getName() + " must be of type Lab");
            }
            if (Modifier.isFinal(f.getModifiers())) {
                throw new ExtensionConfigurationException("@NetworkLab field " + f.getName() + " must not be final");
            }
            f.setAccessible(true);
        }
        return fields;
    }
}
