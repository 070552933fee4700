/**
 * The network driver SPI, libnetwork's {@code driverapi}: {@link org.libnetwork4j.driver.Driver}
 * with libnetwork's verbs and capabilities, one to one with Docker's remote driver protocol
 * (the table is in its documentation), and {@link org.libnetwork4j.driver.RestorableDriver}
 * for drivers with kernel state that a restarted controller takes up. Drivers: {@code bridge}
 * ({@link org.libnetwork4j.driver.bridge}), {@code host} and {@code null} (both a
 * {@link org.libnetwork4j.driver.StatelessDriver}). A driver changes the kernel only through
 * {@link org.libnetwork4j.kernel}, never JNI, and never calls the controller.
 */
package org.libnetwork4j.driver;
