package org.libnetwork4j.controller;

import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.ControllerProvider;
import org.libnetwork4j.NetworkController;

/** Registered in META-INF/services: what {@link NetworkController#create} finds. */
public final class Provider implements ControllerProvider {
    @Override
    public NetworkController create(ControllerConfig config) {
        return new DefaultController(config);
    }
}
