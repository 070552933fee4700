package org.libnetwork4j;

/**
 * Makes {@link NetworkController}s; implemented by org.libnetwork4j.controller and found
 * through {@link java.util.ServiceLoader}, so that this API package depends on nothing below.
 */
public interface ControllerProvider {
    NetworkController create(ControllerConfig config);
}
