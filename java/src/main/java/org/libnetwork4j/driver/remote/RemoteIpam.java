package org.libnetwork4j.driver.remote;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NotSupportedException;
import org.libnetwork4j.http.BadResponseException;
import org.libnetwork4j.ipam.Ipam;
import org.libnetwork4j.ipam.Pool;
import org.libnetwork4j.ipam.PoolRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Docker IPAM plugin as {@link Ipam} (libnetwork's remote IPAM, plugin API 1.2): each method
 * one call of the plugin's {@code IpamDriver} protocol. Pools are asked for in the plugin's
 * local default address space; a network's IPAM options go with its RequestPool ({@link
 * #withOptions}); a gateway is asked for with {@code RequestAddressType} set, as dockerd does.
 *
 * <p>The plugin keeps its pools and addresses itself across a controller's restart, as with
 * dockerd, which never requests them twice ({@link #replaysAtRestart} is false): a plugin
 * would refuse a pool it has already handed out. Releases that fail are logged, not thrown,
 * as dockerd does: the network or endpoint is gone whatever the plugin says.
 */
public final class RemoteIpam implements Ipam {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteIpam.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** dockerd's option that marks a gateway's RequestAddress. */
    public static final String REQUEST_ADDRESS_TYPE = "RequestAddressType";
    /** Its value for a gateway. */
    public static final String GATEWAY = "com.docker.network.gateway";

    private final PluginClient plugin;
    private final String addressSpace;
    private final Map<String, String> options;

    private RemoteIpam(PluginClient plugin, String addressSpace, Map<String, String> options) {
        this.plugin = plugin;
        this.addressSpace = addressSpace;
        this.options = Map.copyOf(options);
    }

    /**
     * Activates the plugin and asks for its capabilities and default address spaces, as
     * dockerd does when a network first names it.
     *
     * @param plugin the plugin
     * @return the IPAM, without options
     * @throws NotSupportedException if the plugin does not implement {@code IpamDriver}
     * @throws NetworkException      if a call fails ({@link PluginClient#call})
     */
    public static RemoteIpam activate(PluginClient plugin) {
        plugin.activateAs("IpamDriver", "IPAM driver");
        // asked as dockerd asks; neither MAC addresses nor request replay are offered
        plugin.call("IpamDriver.GetCapabilities", JSON.createObjectNode());
        JsonNode spaces = plugin.call("IpamDriver.GetDefaultAddressSpaces", JSON.createObjectNode());
        String local = spaces.path("LocalDefaultAddressSpace").asText("");
        LOG.info("activated IPAM plugin {} (address space \"{}\")", plugin, local);
        return new RemoteIpam(plugin, local, Map.of());
    }

    /**
     * Finds the plugin name with locator and activates it.
     *
     * @param locator where plugins are
     * @param name    the plugin's name, the IPAM driver's
     * @param timeout how long one call may wait for its answer
     * @param retry   how long a call that cannot connect is tried again
     * @return the IPAM, or empty if no plugin of that name is there
     * @throws NetworkException if it is there but cannot be activated
     */
    public static Optional<RemoteIpam> load(PluginLocator locator, String name, Duration timeout, Duration retry) {
        return locator.find(name).map(address -> activate(new PluginClient(name, address, timeout, retry)));
    }

    /**
     * The same plugin, its RequestPool calls carrying a network's IPAM options.
     *
     * @param networkOptions the options ({@code --ipam-opt}), not null
     * @return an IPAM of the same plugin
     */
    public RemoteIpam withOptions(Map<String, String> networkOptions) {
        return new RemoteIpam(plugin, addressSpace, networkOptions);
    }

    @Override
    public Pool requestPool(PoolRequest request) {
        ObjectNode body = JSON.createObjectNode();
        body.put("AddressSpace", addressSpace);
        body.put("Pool", request.subnet() == null ? "" : request.subnet().toString());
        body.put("SubPool", request.ipRange() == null ? "" : request.ipRange().toString());
        ObjectNode opts = body.putObject("Options");
        options.forEach(opts::put);
        body.put("V6", request.ipv6());
        JsonNode reply = plugin.call("IpamDriver.RequestPool", body);
        String id = reply.path("PoolID").asText("");
        IpPrefix subnet;
        try {
            subnet = IpPrefix.parse(reply.path("Pool").asText(""));
        } catch (NetworkException e) {
            throw unanswered("IpamDriver.RequestPool", "Pool " + reply.path("Pool") + " is no subnet", id);
        }
        if (id.isEmpty()) {
            throw unanswered("IpamDriver.RequestPool", "no PoolID", null);
        }
        if (subnet.isIpv4() == request.ipv6() || request.subnet() != null && !request.subnet().equals(subnet)) {
            throw unanswered("IpamDriver.RequestPool", "Pool " + subnet + " is not the "
                    + (request.subnet() != null ? request.subnet() : request.ipv6() ? "IPv6 pool" : "IPv4 pool")
                    + " asked for", id);
        }
        return new Pool(id, subnet, request.ipRange() != null ? request.ipRange() : subnet);
    }

    /** An answer this library cannot use: what it reserved is given back, best effort. */
    private BadResponseException unanswered(String method, String why, String poolId) {
        if (poolId != null && !poolId.isEmpty()) {
            releasePool(poolId);
        }
        return new BadResponseException("plugin \"" + plugin.name() + "\": " + method + ": " + why, null);
    }

    @Override
    public void releasePool(String poolId) {
        ObjectNode body = JSON.createObjectNode().put("PoolID", poolId);
        try {
            plugin.call("IpamDriver.ReleasePool", body);
        } catch (NetworkException e) {
            LOG.warn("pool {} not released: {}", poolId, e.getMessage());
        }
    }

    @Override
    public InetAddress requestAddress(String poolId, InetAddress preferred) {
        return request(poolId, preferred, Map.of());
    }

    @Override
    public InetAddress requestGateway(String poolId, InetAddress preferred) {
        return request(poolId, preferred, Map.of(REQUEST_ADDRESS_TYPE, GATEWAY));
    }

    private InetAddress request(String poolId, InetAddress preferred, Map<String, String> opts) {
        ObjectNode body = JSON.createObjectNode();
        body.put("PoolID", poolId);
        body.put("Address", preferred == null ? "" : IpAddresses.format(preferred));
        ObjectNode o = body.putObject("Options");
        opts.forEach(o::put);
        JsonNode reply = plugin.call("IpamDriver.RequestAddress", body);
        String text = reply.path("Address").asText("");
        InetAddress got;
        try {
            // "ip/len" as the protocol says; a bare address is taken too
            got = text.contains("/") ? IpPrefix.parse(text).address() : IpAddresses.parse(text);
        } catch (NetworkException e) {
            throw new BadResponseException("plugin \"" + plugin.name() + "\": IpamDriver.RequestAddress: Address \""
                    + text + "\" is no address", null);
        }
        if (preferred != null && !preferred.equals(got)) {
            releaseAddress(poolId, got);
            throw new BadResponseException("plugin \"" + plugin.name() + "\": IpamDriver.RequestAddress: gave "
                    + IpAddresses.format(got) + " for " + IpAddresses.format(preferred), null);
        }
        return got;
    }

    @Override
    public void releaseAddress(String poolId, InetAddress address) {
        ObjectNode body = JSON.createObjectNode().put("PoolID", poolId).put("Address", IpAddresses.format(address));
        try {
            plugin.call("IpamDriver.ReleaseAddress", body);
        } catch (NetworkException e) {
            LOG.warn("address {} of pool {} not released: {}", IpAddresses.format(address), poolId, e.getMessage());
        }
    }

    @Override
    public boolean replaysAtRestart() {
        return false;
    }

    @Override
    public String toString() {
        return "IPAM " + plugin;
    }
}
