package org.libnetwork4j.driver.overlay;

/** A directory that passes everything to another; tests override the part they break or delay. */
class ForwardingDirectory implements PeerDirectory {
    final PeerDirectory inner;

    ForwardingDirectory(PeerDirectory inner) {
        this.inner = inner;
    }

    @Override
    public void publish(Peer peer) {
        inner.publish(peer);
    }

    @Override
    public void withdraw(Peer peer) {
        inner.withdraw(peer);
    }

    @Override
    public Subscription watch(String networkId, Listener listener) {
        return inner.watch(networkId, listener);
    }
}
