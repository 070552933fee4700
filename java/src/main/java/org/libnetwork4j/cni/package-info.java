/**
 * libnetwork4j as a CNI plugin ({@code lnw cni}, the {@code lnw-cni} executable): an edge like
 * the command line, on the public API only.
 */
package org.libnetwork4j.cni;
