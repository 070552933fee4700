/**
 * The controller's lifecycle events and their delivery to subscribers (see
 * {@link org.libnetwork4j.NetworkEvent}). Layering: the controller publishes here; nothing here
 * reaches back.
 */
package org.libnetwork4j.events;
