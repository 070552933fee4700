package org.libnetwork4j.driver.host;

import java.util.Map;

import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.driver.Driver;
import org.libnetwork4j.driver.EndpointRequest;
import org.libnetwork4j.driver.EndpointSetup;
import org.libnetwork4j.driver.JoinRequest;
import org.libnetwork4j.driver.JoinResult;
import org.libnetwork4j.driver.NetworkRequest;
import org.libnetwork4j.driver.NetworkSettings;

/**
 * The "host" driver: a sandbox joined to it is the host's own network namespace (created with
 * {@code SandboxOptions.useHostNamespace}), so there is nothing to make. One instance; not
 * deletable.
 */
public final class HostDriver implements Driver {
    public static final String TYPE = "host";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public NetworkSettings parseNetworkOptions(Map<String, String> options) {
        if (!options.isEmpty()) {
            throw new InvalidParameterException("the host driver takes no options, got " + options.keySet());
        }
        return NetworkSettings.NONE;
    }

    @Override
    public boolean singleInstance() {
        return true;
    }

    @Override
    public boolean usesIpam() {
        return false;
    }

    @Override
    public boolean joinsHostNamespace() {
        return true;
    }

    @Override
    public void createNetwork(NetworkRequest request) {
    }

    @Override
    public void deleteNetwork(String networkId) {
    }

    @Override
    public EndpointSetup createEndpoint(EndpointRequest request) {
        return new EndpointSetup(null);
    }

    @Override
    public void deleteEndpoint(String networkId, String endpointId) {
    }

    @Override
    public JoinResult join(JoinRequest request) {
        return JoinResult.NOTHING;
    }

    @Override
    public void leave(String networkId, String endpointId, boolean sandboxGone) {
    }
}
