package org.libnetwork4j.cluster;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.MacAddress;
import org.libnetwork4j.driver.overlay.Peer;

/**
 * ClusterStoreRacesTest's client for a peer written again under a new lease after its
 * withdrawal, in a JVM of its own in a host's namespace: {@code PeerRepublishMain ENDPOINT
 * NETWORK}. Publishes a peer of NETWORK, withdraws it, then writes it again as the new lease's
 * hook does when it read the peer before the withdrawal; prints "done". The test reads etcd.
 */
public final class PeerRepublishMain {
    private PeerRepublishMain() {
    }

    public static void main(String[] a) throws Exception {
        try (EtcdStore store = EtcdStore.connect(List.of(URI.create(a[0])), Duration.ofSeconds(5))) {
            EtcdPeerDirectory dir = new EtcdPeerDirectory(store);
            Peer p = new Peer(a[1], 4097, IpAddresses.parse("10.9.0.2"), MacAddress.parse("02:42:0a:09:00:02"),
                    IpAddresses.parse("192.168.77.2"));
            dir.publish(p);
            dir.withdraw(p);
            dir.publishAgain(p); // the hook that read it among the published before the withdrawal
        }
        System.out.println("done");
        System.exit(0); // the client's threads are not all daemons
    }
}
