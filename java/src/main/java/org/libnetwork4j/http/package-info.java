/**
 * HTTP/1.1 over unix domain sockets (and, for the client, TCP), on Netty: what the Docker edges
 * share. {@link org.libnetwork4j.http.UnixHttpServer} serves one {@link org.libnetwork4j.http.Handler}
 * on a socket file only its owner's uid may use; {@link org.libnetwork4j.http.UnixHttpClient}
 * calls a remote plugin. Netty parses and writes HTTP; this package decides who may talk, how
 * big a request may be, on which thread a handler runs, and how failures look on the wire
 * ({@link org.libnetwork4j.http.ErrorFormatter}, since Docker's protocols each name their error
 * field differently).
 *
 * <p>Layering: an edge (the plugin server, the Engine API) routes inside its handler; this
 * package knows no route and nothing of the library but its exception types.
 */
package org.libnetwork4j.http;
