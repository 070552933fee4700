package org.libnetwork4j.controller;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpamConfig;
import org.libnetwork4j.Labels;
import org.libnetwork4j.NetworkEvent;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.driver.Capabilities;
import org.libnetwork4j.driver.Driver;
import org.libnetwork4j.driver.NetworkSettings;
import org.libnetwork4j.ipam.Ipam;
import org.libnetwork4j.store.State;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A controller's networks: made from a create request (the edge where Docker's generic labels
 * are read and the driver's options parsed) or from a record of the cluster's, each step
 * undone if a later one fails, and found by name or id.
 */
final class Networks {
    private static final Logger LOG = LoggerFactory.getLogger(Networks.class);

    private final Context ctx;
    private final Sandboxes sandboxes;
    final Registry<NetworkImpl> registry = new Registry<>("network", NetworkImpl::id, NetworkImpl::name,
            n -> "network with name " + n + " already exists");

    Networks(Context ctx, Sandboxes sandboxes) {
        this.ctx = ctx;
        this.sandboxes = sandboxes;
    }

    /** A network of the driver type, named name, as {@link org.libnetwork4j.NetworkController#newNetwork}. */
    NetworkImpl create(String type, String name, NetworkOptions options) {
        try {
            Ids.checkName(name, "network");
            Driver driver = ctx.drivers().get(type);
            Capabilities caps = driver.capabilities();
            // The edge: Docker's generic labels become typed fields, the rest the driver's
            // settings. Nothing is allocated until all of it has parsed.
            Map<String, String> rest = new LinkedHashMap<>(options.options());
            boolean ipv6 = rest.containsKey(Labels.ENABLE_IPV6)
                    ? Labels.parseBool(Labels.ENABLE_IPV6, rest.remove(Labels.ENABLE_IPV6)) : options.enableIpv6();
            boolean internal = rest.containsKey(Labels.INTERNAL)
                    ? Labels.parseBool(Labels.INTERNAL, rest.remove(Labels.INTERNAL)) : options.internal();
            String prefix = rest.containsKey(Labels.CONTAINER_IFACE_PREFIX)
                    ? checkPrefix(rest.remove(Labels.CONTAINER_IFACE_PREFIX)) : "eth";
            NetworkSettings settings = driver.parseNetworkOptions(rest);
            List<IpamConfig> v4 = options.ipam().stream().filter(c -> !c.isIpv6()).toList();
            List<IpamConfig> v6 = options.ipam().stream().filter(IpamConfig::isIpv6).toList();
            if (!caps.usesIpam() && !options.ipam().isEmpty()) {
                throw new InvalidParameterException("the " + type + " driver takes no subnets");
            }
            if (!v6.isEmpty() && !ipv6) {
                throw new InvalidParameterException("an IPv6 subnet (" + v6.get(0).subnet()
                        + ") needs IPv6 enabled on the network");
            }
            // found (and activated) before anything is made: an unknown one leaves nothing behind
            Ipam ipam = caps.usesIpam() ? ipamOf(options) : ctx.ipam();
            var spec = new NetworkImpl.Spec(Ids.newId(), name, type, options, settings, internal, ipv6, prefix,
                    Instant.now());
            boolean global = caps.scope() == Capabilities.Scope.GLOBAL;
            java.util.function.Supplier<NetworkAddresses> addresses = () -> {
                if (!caps.usesIpam()) {
                    return NetworkAddresses.none(ctx.ipam());
                }
                return NetworkAddresses.allocate(ipam, v4, v6, spec.enableIpv6())
                        .forScope(driver, ctx.shared(), spec.id());
            };
            NetworkImpl n = registry.create(name, all -> {
                if (caps.singleInstance() && all.stream().anyMatch(x -> x.type().equals(type))) {
                    throw new ForbiddenException("only one instance of the \"" + type + "\" network is allowed");
                }
            }, () -> {
                NetworkImpl made = make(driver, spec, addresses);
                if (global) {
                    // the cluster's name and subnets are claimed last: a refusal undoes the rest
                    try {
                        ctx.shared().publish(made.record(State.READY, Map.of()));
                    } catch (RuntimeException e) {
                        try {
                            made.delete(false);
                        } catch (RuntimeException again) {
                            e.addSuppressed(again);
                        }
                        throw e;
                    }
                }
                return made;
            });
            LOG.debug("created {}", n);
            ctx.events().publish(NetworkEvent.Type.NETWORK, NetworkEvent.CREATE, n.id(),
                    Map.of("name", n.name(), "type", n.type()));
            return n;
        } catch (NetworkException e) {
            throw e.withContext("create network \"" + name + "\"");
        }
    }

    /** Addresses, the intent, the driver's network, the record; undone if a step fails. */
    NetworkImpl make(Driver driver, NetworkImpl.Spec spec, java.util.function.Supplier<NetworkAddresses> ips) {
        NetworkAddresses addresses = ips.get();
        Teardown undo = new Teardown();
        undo.push(addresses::releaseAll);
        try {
            NetworkImpl n = new NetworkImpl(ctx, registry, sandboxes, driver, spec, addresses);
            // intent: a crash from here on leaves a create that the next start undoes
            ctx.store().put(n.record(State.CREATING, Map.of()));
            undo.push(() -> ctx.store().delete(n.record(State.CREATING, Map.of())));
            driver.createNetwork(n.request());
            undo.push(() -> driver.deleteNetwork(spec.id()));
            n.serveNames(false); // no container asks before the first join, which starts the listeners
            undo.push(n::stopNames);
            ctx.store().put(n.record(State.READY, n.driverState()));
            return n;
        } catch (RuntimeException e) {
            undo.runReversed(e);
            throw e;
        }
    }

    /** A network's options without the generic labels the controller itself reads. */
    static Map<String, String> driverOptions(NetworkOptions options) {
        Map<String, String> rest = new LinkedHashMap<>(options.options());
        rest.remove(Labels.ENABLE_IPV6);
        rest.remove(Labels.INTERNAL);
        rest.remove(Labels.CONTAINER_IFACE_PREFIX);
        return rest;
    }

    private static String checkPrefix(String p) {
        if (p == null || !p.matches("[A-Za-z][A-Za-z0-9_-]{0,10}")) {
            throw new InvalidParameterException("invalid value \"" + p + "\" for option \""
                    + Labels.CONTAINER_IFACE_PREFIX + "\": 1 to 11 letters, digits, '_' or '-',"
                    + " starting with a letter (room is left for the index)");
        }
        return p;
    }

    /** The network named name; NotFound if there is none. */
    NetworkImpl byName(String name) {
        return registry.byKey(name, () -> "network " + name + " not found");
    }

    /** A network's IPAM: the controller's own, or the IPAM plugin its options name. */
    Ipam ipamOf(NetworkOptions options) {
        return ctx.drivers().ipam(options.ipamDriver(), options.ipamOptions(), ctx.ipam());
    }
}
