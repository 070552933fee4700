/**
 * The macvlan and ipvlan drivers: endpoints as devices on a parent link of the host, on the
 * parent's own network (see {@code SubInterfaceDriver}).
 */
package org.libnetwork4j.driver.macvlan;
