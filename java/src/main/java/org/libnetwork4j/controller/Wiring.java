package org.libnetwork4j.controller;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.ControllerProvider;
import org.libnetwork4j.InternalException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.dns.EmbeddedDns;
import org.libnetwork4j.dns.NameService;
import org.libnetwork4j.driver.Driver;
import org.libnetwork4j.driver.bridge.BridgeDriver;
import org.libnetwork4j.driver.host.HostDriver;
import org.libnetwork4j.driver.macvlan.IpvlanDriver;
import org.libnetwork4j.driver.macvlan.MacvlanDriver;
import org.libnetwork4j.driver.none.NullDriver;
import org.libnetwork4j.driver.remote.PluginLocator;
import org.libnetwork4j.driver.remote.RemoteDriver;
import org.libnetwork4j.driver.remote.RemoteIpam;
import org.libnetwork4j.events.EventBus;
import org.libnetwork4j.ipam.DefaultIpam;
import org.libnetwork4j.kernel.Netns;
import org.libnetwork4j.store.DeferredWrites;
import org.libnetwork4j.store.SqliteStore;
import org.libnetwork4j.store.StateDirLock;

/**
 * A controller on the kernel, per its configuration: the state directory's lock, then its
 * SQLite store, the host namespace (netlink handles, firewall, port mapper), IPAM and the
 * drivers. Registered in META-INF/services: what {@link NetworkController#create} finds.
 */
public final class Wiring implements ControllerProvider {

    @Override
    public NetworkController create(ControllerConfig config) {
        return open(config);
    }

    static DefaultController open(ControllerConfig config) {
        Teardown undo = new Teardown();
        try {
            StateDirLock lock = StateDirLock.acquire(config.stateDir(), config.lockWait());
            undo.push(lock::close);
            SqliteStore store = SqliteStore.open(config.stateDir());
            undo.push(store::close);
            // before anything reads the store: what a killed controller had journaled goes into it
            DeferredWrites writes = new DeferredWrites(store, config.stateDir(), DeferredWrites.FLUSH_MILLIS);
            undo.push(writes::close);
            Path sandboxFiles = config.runDir().resolve("sandboxes");
            createDirectories(sandboxFiles);
            KernelHost host = new KernelHost(config.hostNamespace(), config.runDir().resolve("netns"));
            undo.push(host::close);
            DefaultIpam ipam = new DefaultIpam(config.addressPools().isEmpty()
                    ? DefaultIpam.LOCAL_DEFAULTS : config.addressPools(), host.namespace::overlapsHostRoute);
            // etcd's client is loaded here, and only here, when a cluster store is configured
            if (!config.clusterStore().isEmpty()) {
                checkStoreReachedFromHost(host.namespace);
            }
            Shared shared = config.clusterStore().isEmpty() ? Shared.NONE : ClusterShared.open(config, host.namespace);
            undo.push(shared::close);
            List<Driver> local = new java.util.ArrayList<>(List.of(
                    new BridgeDriver(host.namespace, host.firewall, host.ports), new HostDriver(), new NullDriver(),
                    new MacvlanDriver(host.namespace), new IpvlanDriver(host.namespace)));
            local.addAll(shared.drivers());
            DriverRegistry drivers = new DriverRegistry(local, plugins(config));
            NameService names = config.embeddedDns() ? EmbeddedDns.open(host.namespace.namespace())
                    : NameService.none();
            undo.push(names::close);
            Context ctx = new Context(writes, ipam, host, drivers,
                    new Context.Paths(sandboxFiles, config.hostResolvConf()), names, new EventBus(), shared);
            return new DefaultController(ctx, () -> {
                Teardown t = new Teardown();
                t.step(store::close);
                t.step(lock::close);
                t.throwIfFailed();
            });
        } catch (RuntimeException e) {
            undo.runReversed(e);
            throw e;
        }
    }

    /**
     * etcd's client opens its connections from the JVM's own network namespace, whatever host
     * namespace the controller is bound to: a controller bound to a fake host (a test, a lab)
     * would reach the store, and the underlay address it names, from the machine's real
     * network. Refused: run the JVM in the host namespace (nsenter --net), as lnw daemon is.
     */
    private static void checkStoreReachedFromHost(HostNamespace host) {
        try (Netns jvm = Netns.current()) {
            if (!jvm.id().equals(host.namespace().id())) {
                throw new InvalidParameterException("cluster store: the controller's host namespace ("
                        + host.path() + ") is not the JVM's: etcd would be reached from the JVM's own network;"
                        + " run the JVM in the host namespace (nsenter --net=...) for a cluster store");
            }
        }
    }

    /** Docker network and IPAM plugins, found where the configuration says, as dockerd finds them. */
    private static DriverRegistry.Plugins plugins(ControllerConfig config) {
        PluginLocator locator = new PluginLocator(config.pluginSocketDir(), config.pluginSpecDirs());
        return new DriverRegistry.Plugins() {
            @Override
            public Optional<Driver> load(String name) {
                return RemoteDriver.load(locator, name, config.pluginTimeout(), config.pluginRetry())
                        .map(Driver.class::cast);
            }

            @Override
            public String searched() {
                return locator.searched();
            }

            @Override
            public Optional<RemoteIpam> loadIpam(String name) {
                return RemoteIpam.load(locator, name, config.pluginTimeout(), config.pluginRetry());
            }
        };
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InternalException("create " + dir + ": " + e.getMessage(), 0, "create controller",
                    dir.toString(), e);
        }
    }
}
