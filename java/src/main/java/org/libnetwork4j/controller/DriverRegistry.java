package org.libnetwork4j.controller;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.driver.Driver;
import org.libnetwork4j.driver.RestorableDriver;

/** The network drivers of a controller, by type, fixed when it opens. */
final class DriverRegistry {
    private final Map<String, Driver> drivers;
    private final List<String> order;

    DriverRegistry(List<Driver> drivers) {
        Map<String, Driver> m = new LinkedHashMap<>();
        for (Driver d : drivers) {
            if (m.put(d.type(), d) != null) {
                throw new IllegalArgumentException("two drivers of type " + d.type());
            }
        }
        this.drivers = Map.copyOf(m);
        this.order = List.copyOf(m.keySet());
    }

    /** @throws NotFoundException naming the known types */
    Driver get(String type) {
        Driver d = drivers.get(type);
        if (d == null) {
            throw new NotFoundException("network driver \"" + type + "\" not found (known: " + String.join(", ", order)
                    + ")");
        }
        return d;
    }

    /** The driver of type, or null (recovery: a network of a driver this build lacks). */
    Driver find(String type) {
        return drivers.get(type);
    }

    Collection<Driver> all() {
        return order.stream().map(drivers::get).toList();
    }

    List<RestorableDriver> restorable() {
        return all().stream().filter(RestorableDriver.class::isInstance).map(RestorableDriver.class::cast).toList();
    }
}
