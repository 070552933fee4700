/**
 * The Docker Engine API's network endpoints ({@link org.libnetwork4j.api.EngineApi}), served by
 * {@code lnw daemon --docker-api unix:///PATH} for the docker CLI, and the translations between
 * Docker's network vocabulary and the public API that it shares with {@code lnw network}
 * ({@link org.libnetwork4j.api.DockerNetworks}).
 *
 * <p>Layering: an edge, like the command line: it drives the public API ({@code org.libnetwork4j})
 * and serves through {@code org.libnetwork4j.http}; nothing below the API.
 */
package org.libnetwork4j.api;
