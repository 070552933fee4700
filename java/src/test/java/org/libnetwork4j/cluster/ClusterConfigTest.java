package org.libnetwork4j.cluster;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.ControllerConfig;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;

/**
 * What a cluster store's configuration refuses before anything is reached: a controller bound
 * to a host namespace other than its JVM's (etcd's client would connect from the JVM's own
 * network), malformed endpoints, no advertise address. The store named is on loopback, so that
 * nothing could leave the machine even if a check were missing.
 */
@ExtendWith(NetnsExtension.class)
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ClusterConfigTest {

    @Test
    void aControllerInAnotherNamespaceThanItsJvmsRefusesTheStore(Namespaces ns) {
        InvalidParameterException e = assertThrows(InvalidParameterException.class, () -> ns.controller(
                ControllerConfig.builder().clusterStore("etcd://127.0.0.1:1").advertiseAddress("127.0.0.1")));
        assertTrue(e.getMessage().contains("not the JVM's"), e.getMessage());
    }

    @Test
    void badEndpointsAndAMissingAdvertiseAddressAreRefused() {
        assertTrue(assertThrows(InvalidParameterException.class, () -> ControllerConfig.builder()
                .clusterStore("http://127.0.0.1:2379")).getMessage().contains("etcd://HOST:PORT"));
        assertTrue(assertThrows(InvalidParameterException.class, () -> ControllerConfig.builder()
                .clusterStore("etcd://127.0.0.1")).getMessage().contains("etcd://HOST:PORT"));
        assertTrue(assertThrows(InvalidParameterException.class, () -> ControllerConfig.builder()
                .clusterStore("etcd://127.0.0.1:2379").build()).getMessage().contains("advertise address"));
    }
}
