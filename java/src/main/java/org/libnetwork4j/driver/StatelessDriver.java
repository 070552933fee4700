package org.libnetwork4j.driver;

import java.util.Map;

import org.libnetwork4j.InvalidParameterException;

/**
 * A driver that makes nothing: one network of its type, no options, no addresses, endpoints
 * without interfaces. The host driver (its sandbox is the host's own namespace) and the null
 * driver (a sandbox with loopback only) are this, with one flag apart.
 */
public abstract class StatelessDriver implements Driver {
    private final String type;
    private final Capabilities capabilities;

    /**
     * A driver of one single-instance local network, without IPAM.
     *
     * @param type               the driver's type ("host", "null")
     * @param joinsHostNamespace whether its endpoints join the host's own namespace
     */
    protected StatelessDriver(String type, boolean joinsHostNamespace) {
        this.type = type;
        this.capabilities = new Capabilities(Capabilities.Scope.LOCAL, Capabilities.Scope.LOCAL, true, false,
                joinsHostNamespace);
    }

    @Override
    public final String type() {
        return type;
    }

    @Override
    public final Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public final NetworkSettings parseNetworkOptions(Map<String, String> options) {
        if (!options.isEmpty()) {
            throw new InvalidParameterException("the " + type + " driver takes no options, got " + options.keySet());
        }
        return NetworkSettings.NONE;
    }

    @Override
    public final void createNetwork(NetworkRequest request) {
    }

    @Override
    public final void deleteNetwork(String networkId) {
    }

    @Override
    public final EndpointSetup createEndpoint(EndpointRequest request) {
        return new EndpointSetup(null);
    }

    @Override
    public final void deleteEndpoint(String networkId, String endpointId) {
    }

    @Override
    public final JoinResult join(JoinRequest request) {
        return JoinResult.NOTHING;
    }

    @Override
    public final void leave(String networkId, String endpointId, boolean sandboxGone) {
    }
}
