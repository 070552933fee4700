package org.libnetwork4j.controller;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.driver.Driver;
import org.libnetwork4j.driver.RestorableDriver;
import org.libnetwork4j.driver.remote.RemoteIpam;
import org.libnetwork4j.ipam.Ipam;

/**
 * The network drivers of a controller, by type: the built-in ones, fixed when it opens, and
 * plugins, loaded the first time a type that is no built-in driver is asked for (activated
 * once, then kept, as dockerd keeps them).
 */
final class DriverRegistry {
    /** Where drivers that are not built in come from: Docker plugins, by name. */
    interface Plugins {
        /** None: a registry of built-in drivers only. */
        Plugins NONE = new Plugins() {
            @Override
            public Optional<Driver> load(String name) {
                return Optional.empty();
            }

            @Override
            public String searched() {
                return "";
            }
        };

        /**
         * The plugin of this name, activated; empty if none is there. May take long (a
         * plugin that is starting is waited for).
         *
         * @throws NetworkException if it is there but cannot be activated
         */
        Optional<Driver> load(String name);

        /** Where plugins are looked for, for messages; empty if nowhere. */
        String searched();

        /**
         * The IPAM plugin of this name, activated; empty if none is there.
         *
         * @throws NetworkException if it is there but cannot be activated
         */
        default Optional<RemoteIpam> loadIpam(String name) {
            return Optional.empty();
        }
    }

    private final Map<String, Driver> builtIn;
    private final List<String> order;
    private final Plugins plugins;
    private final Map<String, Driver> loaded = new ConcurrentHashMap<>();
    private final Map<String, RemoteIpam> loadedIpams = new ConcurrentHashMap<>();
    /**
     * One lock per plugin name: a plugin that is slow to activate (its connect retried for up
     * to the configured bound) holds back only the callers that want the same plugin.
     */
    private final Map<String, Object> loading = new ConcurrentHashMap<>();

    DriverRegistry(List<Driver> drivers) {
        this(drivers, Plugins.NONE);
    }

    DriverRegistry(List<Driver> drivers, Plugins plugins) {
        Map<String, Driver> m = new LinkedHashMap<>();
        for (Driver d : drivers) {
            if (m.put(d.type(), d) != null) {
                throw new IllegalArgumentException("two drivers of type " + d.type());
            }
        }
        this.builtIn = Map.copyOf(m);
        this.order = List.copyOf(m.keySet());
        this.plugins = plugins;
    }

    /**
     * The driver of type: a built-in one, or the plugin of that name (loaded now if it is
     * not yet).
     *
     * @throws NotFoundException naming the known types and where plugins were looked for
     * @throws NetworkException  if the plugin is there but cannot be activated: nothing is
     *                           kept, the next call tries again
     */
    Driver get(String type) {
        Driver d = builtIn.get(type);
        if (d == null) {
            d = loaded.get(type);
        }
        if (d == null) {
            d = load(type);
        }
        if (d == null) {
            String where = plugins.searched();
            throw new NotFoundException("network driver \"" + type + "\" not found (known: " + String.join(", ", order)
                    + (where.isEmpty() ? "" : "; no plugin \"" + type + "\" in " + where) + ")");
        }
        return d;
    }

    private Driver load(String type) {
        synchronized (loading.computeIfAbsent(type, t -> new Object())) {
            Driver d = loaded.get(type);
            if (d != null) {
                return d; // a concurrent caller loaded it meanwhile
            }
            d = plugins.load(type).orElse(null);
            if (d != null) {
                loaded.put(type, d);
            }
            return d;
        }
    }

    /**
     * The IPAM of a network: default (null) is the controller's own, any other name the IPAM
     * plugin of that name (activated the first time, then kept, as network plugins are), its
     * pool requests carrying the network's IPAM options.
     *
     * @throws NotFoundException naming the plugin and where plugins were looked for
     * @throws NetworkException  if the plugin is there but cannot be activated: nothing is
     *                           kept, the next call tries again
     */
    Ipam ipam(String name, Map<String, String> options, Ipam own) {
        if (name == null) {
            return own;
        }
        RemoteIpam i = loadedIpams.get(name);
        if (i == null) {
            // the same per-name lock as network plugins: one plugin may be both
            synchronized (loading.computeIfAbsent(name, t -> new Object())) {
                i = loadedIpams.get(name);
                if (i == null) {
                    i = plugins.loadIpam(name).orElse(null);
                    if (i != null) {
                        loadedIpams.put(name, i);
                    }
                }
            }
        }
        if (i == null) {
            String where = plugins.searched();
            throw new NotFoundException("IPAM driver \"" + name + "\" not found ("
                    + (where.isEmpty() ? "no plugins are looked for" : "no plugin \"" + name + "\" in " + where) + ")");
        }
        return i.withOptions(options);
    }

    /** The built-in drivers, then the plugins loaded so far. */
    Collection<Driver> all() {
        List<Driver> l = new ArrayList<>(order.size() + loaded.size());
        order.forEach(t -> l.add(builtIn.get(t)));
        l.addAll(loaded.values());
        return l;
    }

    List<RestorableDriver> restorable() {
        return all().stream().filter(RestorableDriver.class::isInstance).map(RestorableDriver.class::cast).toList();
    }
}
