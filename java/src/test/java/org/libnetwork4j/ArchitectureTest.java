package org.libnetwork4j;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** DESIGN.md's layering, checked on the compiled classes. */
class ArchitectureTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("org.libnetwork4j");

    @Test
    void onlyKernelCallsTheJniBinding() {
        noClasses().that().resideOutsideOfPackages("org.libnetwork4j.kernel..", "org.libnetwork4j.internal.jni..")
                .should().dependOnClassesThat().resideInAPackage("org.libnetwork4j.internal.jni..")
                .check(MAIN);
    }

    @Test
    void theApiDependsOnNothingBelowIt() {
        noClasses().that().resideInAPackage("org.libnetwork4j")
                .should().dependOnClassesThat().resideInAnyPackage("org.libnetwork4j.controller..",
                        "org.libnetwork4j.driver..", "org.libnetwork4j.ipam..", "org.libnetwork4j.kernel..",
                        "org.libnetwork4j.internal..")
                .check(MAIN);
    }

    @Test
    void driversAndIpamDoNotReachUp() {
        noClasses().that().resideInAnyPackage("org.libnetwork4j.driver..", "org.libnetwork4j.ipam..",
                        "org.libnetwork4j.kernel..", "org.libnetwork4j.firewall..", "org.libnetwork4j.portmapper..")
                .should().dependOnClassesThat().resideInAPackage("org.libnetwork4j.controller..")
                .check(MAIN);
        noClasses().that().resideInAnyPackage("org.libnetwork4j.firewall..", "org.libnetwork4j.portmapper..",
                        "org.libnetwork4j.kernel..")
                .should().dependOnClassesThat().resideInAPackage("org.libnetwork4j.driver..")
                .check(MAIN);
        noClasses().that().resideInAPackage("org.libnetwork4j.ipam..")
                .should().dependOnClassesThat().resideInAPackage("org.libnetwork4j.kernel..")
                .check(MAIN);
    }

    @Test
    void theCommandLineUsesTheApiOnly() {
        // the quickstart is the one tool that also builds its throwaway world with the facade
        noClasses().that().resideInAPackage("org.libnetwork4j.cli..")
                .should().dependOnClassesThat().resideInAnyPackage("org.libnetwork4j.controller..",
                        "org.libnetwork4j.driver..", "org.libnetwork4j.ipam..", "org.libnetwork4j.kernel..",
                        "org.libnetwork4j.internal..", "org.libnetwork4j.firewall..", "org.libnetwork4j.portmapper..",
                        "org.libnetwork4j.store..")
                .check(MAIN);
        noClasses().that().resideInAPackage("org.libnetwork4j.quickstart..")
                .should().dependOnClassesThat().resideInAnyPackage("org.libnetwork4j.controller..",
                        "org.libnetwork4j.driver..", "org.libnetwork4j.internal..", "org.libnetwork4j.store..")
                .check(MAIN);
    }

    @Test
    void theLabUsesTheApiAndTheKernelFacadeOnly() {
        // faults are kernel work on namespaces the lab made; everything else goes through the API
        noClasses().that().resideInAPackage("org.libnetwork4j.lab..")
                .should().dependOnClassesThat().resideInAnyPackage("org.libnetwork4j.controller..",
                        "org.libnetwork4j.driver..", "org.libnetwork4j.ipam..", "org.libnetwork4j.internal..",
                        "org.libnetwork4j.firewall..", "org.libnetwork4j.portmapper..", "org.libnetwork4j.store..",
                        "org.libnetwork4j.dns..")
                .check(MAIN);
        noClasses().that().resideOutsideOfPackage("org.libnetwork4j.lab..")
                .should().dependOnClassesThat().resideInAPackage("org.libnetwork4j.lab..")
                .check(MAIN);
        // the one thread that enters a namespace for good is made in one place, for the lab alone
        noClasses().that().doNotHaveFullyQualifiedName("org.libnetwork4j.kernel.NamespaceThread")
                .should().callMethod(org.libnetwork4j.internal.jni.LnwNative.class, "lnw_netns_enter_thread",
                        int.class, org.libnetwork4j.internal.jni.LnwErr.class)
                .check(MAIN);
        noClasses().that().resideOutsideOfPackages("org.libnetwork4j.lab..", "org.libnetwork4j.kernel..")
                .should().dependOnClassesThat().haveFullyQualifiedName("org.libnetwork4j.kernel.NamespaceThread")
                .check(MAIN);
    }

    @Test
    void theHttpTransportKnowsOnlyTheApisExceptions() {
        // shared by the Docker edges, below them: it knows no route, no controller, no driver
        noClasses().that().resideInAPackage("org.libnetwork4j.http..")
                .should().dependOnClassesThat().resideInAnyPackage("org.libnetwork4j.controller..",
                        "org.libnetwork4j.driver..", "org.libnetwork4j.ipam..", "org.libnetwork4j.kernel..",
                        "org.libnetwork4j.internal..", "org.libnetwork4j.firewall..", "org.libnetwork4j.portmapper..",
                        "org.libnetwork4j.store..", "org.libnetwork4j.dns..", "org.libnetwork4j.cli..",
                        "org.libnetwork4j.events..", "org.libnetwork4j.cni..")
                .check(MAIN);
    }

    @Test
    void theDockerEdgesUseTheApi() {
        // servers at the edge, like the CLI: the plugin and the Engine API drive the public
        // API; the plugin's IPAM ledger is the one allocator class, used as a library
        noClasses().that().resideInAnyPackage("org.libnetwork4j.plugin..", "org.libnetwork4j.api..")
                .should().dependOnClassesThat().resideInAnyPackage("org.libnetwork4j.controller..",
                        "org.libnetwork4j.driver..", "org.libnetwork4j.kernel..", "org.libnetwork4j.internal..",
                        "org.libnetwork4j.firewall..", "org.libnetwork4j.portmapper..", "org.libnetwork4j.store..",
                        "org.libnetwork4j.dns..", "org.libnetwork4j.cli..")
                .check(MAIN);
        // the Engine API has no allocator of its own: addresses are the controller's business
        noClasses().that().resideInAPackage("org.libnetwork4j.api..")
                .should().dependOnClassesThat().resideInAPackage("org.libnetwork4j.ipam..")
                .check(MAIN);
    }

    @Test
    void theStoreKnowsOnlyTheApi() {
        noClasses().that().resideInAPackage("org.libnetwork4j.store..")
                .should().dependOnClassesThat().resideInAnyPackage("org.libnetwork4j.controller..",
                        "org.libnetwork4j.driver..", "org.libnetwork4j.ipam..", "org.libnetwork4j.kernel..",
                        "org.libnetwork4j.internal..", "org.libnetwork4j.firewall..", "org.libnetwork4j.portmapper..")
                .check(MAIN);
    }
}
