/**
 * The controller's embedded DNS resolver: containers find each other by name.
 *
 * <p>{@link org.libnetwork4j.dns.NameService} is what the controller tells it (served networks,
 * sandboxes, joins); {@link org.libnetwork4j.dns.EmbeddedDns} serves it on Netty's epoll
 * transport, with sockets the C core makes inside the host's and the sandboxes' namespaces;
 * {@code Resolver} decides each answer from {@code Names} with dnsjava's codec, and is where
 * the semantics, and where they differ from Docker's, are written down. Layering: the
 * controller calls this package, which calls {@code kernel} for its sockets and nothing above.
 */
package org.libnetwork4j.dns;
