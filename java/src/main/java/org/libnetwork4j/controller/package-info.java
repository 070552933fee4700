/**
 * The default {@link org.libnetwork4j.NetworkController}: networks, endpoints and sandboxes,
 * their locks, their store protocol and their recovery.
 *
 * <h2>Shape</h2>
 * <ul>
 * <li>{@code DefaultController} hands out networks and sandboxes, made by {@code Networks} and
 * {@code Sandboxes}; {@code ClusterWatch} follows a cluster store's networks. Each object
 * gets the services it needs at creation, in a {@code Context} (the store, IPAM, the host
 * namespace, the drivers, the paths), and holds no reference back to the controller.
 * {@code Wiring} builds a controller on the kernel; tests build one on fakes (an in-memory
 * store, a fake host and fake drivers) and run without root.
 * <li>Names and ids live in one {@code Registry} type, used for networks, the endpoints of
 * each network and sandboxes: a name is reserved while its object is made, with no lock held
 * for the kernel work.
 * <li>A join is one operation, {@code Join}, that runs libnetwork's steps in order, each with
 * its undo: the driver's join; the interface into the sandbox ({@code SandboxOs}: moved in if
 * the driver made it in the host; addresses, up, routes, in one netlink batch); the driver's
 * after-up work; gateway election and external connectivity ({@code Attachments},
 * {@code GatewayElection}); the hosts file ({@code SandboxFiles}); the store
 * ({@code Records}). {@code Leave} runs them backwards. Both call downwards only: endpoint,
 * then sandbox and its parts, then driver and kernel. Recovery ({@code Recovery},
 * {@code Takeover}) takes joins up through the same parts, in their restart form.
 * <li>A sandbox is its lifecycle ({@code SandboxImpl}), its OS layer ({@code SandboxOs};
 * {@code KernelSandboxOs} on the kernel), its gateway election ({@code Attachments}), its
 * files ({@code SandboxFiles}) and its interfaces' names ({@code InterfaceNames}); a move to
 * a namespace the caller made is an operation of its own ({@code SetKey}).
 * </ul>
 *
 * <h2>Locks</h2>
 * Network, then endpoint, then sandbox; never the other way round. Registries lock inside
 * their own methods only.
 *
 * <h2>Store protocol</h2>
 * Once a call returns, a kill -9 loses nothing it did; a call cut short is finished or undone
 * at recovery; nothing leaks and no address is given twice. What must be durable when a call
 * returns, records and deletes alike, is appended to the store's journal, one write, and
 * reaches SQLite with the next transaction; the next open writes what the journal holds past
 * SQLite's mark before anything reads the store ({@code DeferredWrites}).
 * Kernel objects name their owner, so what recovery can read from the kernel need not be
 * written before the call returns:
 * <ul>
 * <li>network create: an intent, then the record; delete: an intent, then the record goes
 * (the bridge, down and marked deleted in its alias, is removed by the kernel in the
 * background; a restart finishes what it finds marked);
 * <li>sandbox create: one record, journaled, after its namespace exists (a namespace no record
 * claims is removed at recovery); delete: one journal entry removes it and its endpoints;
 * <li>endpoint create and delete: one journal entry each;
 * <li>join: nothing before it returns when the driver labels the join on its kernel object
 * (the bridge driver's host-end alias names the endpoint, the sandbox and the priority) and it
 * has no published ports: its record follows within milliseconds with the next transaction;
 * otherwise (ports, whose host ports must come back as they were; host and null networks,
 * where nothing in the kernel tells of the join) one record, journaled. Leave likewise.
 * </ul>
 * A controller that closes cleanly (every deferred write done, no delete pending) marks its
 * store; the next load reads the mark and clears it in the same transaction. Recovery after a
 * clean close takes the records at their word: it reads no join labels (with thousands of
 * veths a full link dump costs the kernel O(n^2)), lists no run directory for orphans, and
 * reads no resolv.conf back whose inputs did not change. After a crash it does all of that.
 *
 * <h2>Logging</h2>
 * SLF4J: creates, deletes, joins and leaves at debug; what recovery and the firewall's
 * self-healing do at info; what is collected and not thrown (a failed background delete, a
 * recovery warning) at warn.
 */
package org.libnetwork4j.controller;
