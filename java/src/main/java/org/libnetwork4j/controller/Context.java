package org.libnetwork4j.controller;

import java.nio.file.Path;

import org.libnetwork4j.dns.NameService;
import org.libnetwork4j.events.EventBus;
import org.libnetwork4j.ipam.Ipam;
import org.libnetwork4j.store.DeferredWrites;

/**
 * What the controller's objects work with, handed down to each of them at creation: they hold
 * no reference to the controller itself, so an operation calls down and never back up.
 *
 * @param store   the persistent state, with writes that may follow the call ({@link Records})
 * @param ipam    subnets and addresses
 * @param host    the host namespace: sandbox namespaces, the firewall's restore
 * @param drivers the network drivers by type
 * @param paths   where sandboxes keep their files, and the host's resolv.conf
 * @param names   the DNS resolver's names: told of every served network, sandbox and join
 * @param events  where what happened is published, once it has
 * @param shared  what global networks share with the other hosts; {@link Shared#NONE} without
 *                a cluster store
 */
record Context(DeferredWrites store, Ipam ipam, Host host, DriverRegistry drivers, Paths paths, NameService names,
        EventBus events, Shared shared) {

    /** One with an event bus of its own and no cluster (what tests of the controller's logic use). */
    Context(DeferredWrites store, Ipam ipam, Host host, DriverRegistry drivers, Paths paths, NameService names) {
        this(store, ipam, host, drivers, paths, names, new EventBus(), Shared.NONE);
    }

    /** Directories and files of a controller. */
    record Paths(Path sandboxFiles, Path hostResolvConf) {
        Path filesOf(String sandboxId) {
            return sandboxFiles.resolve(sandboxId);
        }
    }
}
