package org.libnetwork4j;

/**
 * Makes {@link NetworkController}s; implemented by org.libnetwork4j.controller and found
 * through {@link java.util.ServiceLoader}, so that this API package depends on nothing below.
 */
public interface ControllerProvider {
    /**
     * Opens a controller; what {@link NetworkController#create} calls.
     *
     * @param config where the controller keeps its state and which namespace is its host
     * @return an open controller, which the caller closes
     */
    NetworkController create(ControllerConfig config);
}
