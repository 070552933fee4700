/**
 * The cluster store: etcd 3 through its Java client (jetcd), for what networks that span hosts
 * share. Loaded only when a cluster store is configured; nothing here is a store or a
 * consensus of our own: every shared decision is an etcd transaction.
 */
package org.libnetwork4j.cluster;
