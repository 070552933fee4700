/**
 * Docker network plugins as drivers (libnetwork's remote driver): {@link
 * org.libnetwork4j.driver.remote.PluginLocator} finds a plugin by name as dockerd does (a
 * socket under /run/docker/plugins, a spec file under /etc/docker/plugins or
 * /usr/lib/docker/plugins), {@link org.libnetwork4j.driver.remote.PluginClient} calls it over
 * HTTP on a unix socket or TCP, and {@link org.libnetwork4j.driver.remote.RemoteDriver} maps
 * the driver SPI onto its {@code NetworkDriver} protocol one call per method. The controller
 * loads a plugin the first time a network names a type that is no built-in driver.
 */
package org.libnetwork4j.driver.remote;
