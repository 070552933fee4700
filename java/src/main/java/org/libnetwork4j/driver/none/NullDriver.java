package org.libnetwork4j.driver.none;

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
 * The "null" driver (package {@code none}: null is a Java keyword): its endpoints give a
 * sandbox no interface at all, leaving it with loopback only. One instance; not deletable.
 */
public final class NullDriver implements Driver {
    public static final String TYPE = "null";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public NetworkSettings parseNetworkOptions(Map<String, String> options) {
        if (!options.isEmpty()) {
            throw new InvalidParameterException("the null driver takes no options, got " + options.keySet());
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
