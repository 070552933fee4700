/**
 * Network labs for Java tests: throwaway hosts on one underlay ({@link org.libnetwork4j.lab.Lab},
 * {@link org.libnetwork4j.lab.LabHost}), Java code and commands run inside their sandboxes
 * ({@link org.libnetwork4j.lab.LabSandbox}), and faults on demand
 * ({@link org.libnetwork4j.lab.Fault}); {@link org.libnetwork4j.lab.NetworkLab} gives them to a
 * JUnit 5 test.
 *
 * <p>Layering: like the command line, the lab is an edge that uses the public API (each host
 * is a {@code NetworkController}); its faults are kernel work on namespaces the lab itself
 * made, through the {@code kernel} facade. JUnit is an optional dependency: only
 * {@code NetworkLab} and {@code NetworkLabExtension} touch it.
 *
 * <p>Threads: each sandbox that runs Java code has one dedicated platform thread that entered
 * its namespace once (see {@link org.libnetwork4j.kernel.NamespaceThread} for why that one
 * exception to "no JVM thread calls setns" is safe); no pooled or virtual thread ever enters a
 * namespace, and the lab's own waits and reads start no thread at all.
 */
package org.libnetwork4j.lab;
