package org.libnetwork4j;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a network is, as {@code docker network inspect} reports it.
 *
 * @param id         64 hex digits ({@link Network#id})
 * @param name       its name, unique among the controller's networks
 * @param driver     its driver's type: "bridge", "host", "null"...
 * @param scope      where it exists, as Docker writes it: "local" (this host) or "global"
 * @param created    when it was created; kept across restarts
 * @param internal   whether it is internal: option {@link Labels#INTERNAL} if given, else
 *                   {@link NetworkOptions#internal}
 * @param enableIpv6 whether it has IPv6: option {@link Labels#ENABLE_IPV6} if given, else
 *                   {@link NetworkOptions#enableIpv6}
 * @param ipamConfig the subnets as asked for
 * @param ipam       the subnets as allocated: subnet, range, gateway, aux addresses
 * @param options    the driver options as given
 * @param labels     the labels as given
 * @param driverInfo what the driver reports (for a bridge: its name, whether it was adopted)
 * @param ipamDriver  the IPAM driver: {@link NetworkOptions#DEFAULT_IPAM} for the controller's
 *                    own, else the IPAM plugin's name
 * @param ipamOptions the IPAM driver's options as given
 */
public record NetworkInfo(String id, String name, String driver, String scope, Instant created,
        boolean internal, boolean enableIpv6, List<IpamConfig> ipamConfig, List<IpamData> ipam,
        Map<String, String> options, Map<String, String> labels, Map<String, String> driverInfo,
        String ipamDriver, Map<String, String> ipamOptions) {

    /**
     * Info of a network on the controller's own IPAM.
     *
     * @param id         its id
     * @param name       its name
     * @param driver     its driver's type
     * @param scope      local or global
     * @param created    when it was created
     * @param internal   whether it is internal
     * @param enableIpv6 whether it has IPv6
     * @param ipamConfig the subnets as asked for
     * @param ipam       the subnets as allocated
     * @param options    the driver options as given
     * @param labels     the labels as given
     * @param driverInfo what the driver reports
     */
    public NetworkInfo(String id, String name, String driver, String scope, Instant created,
            boolean internal, boolean enableIpv6, List<IpamConfig> ipamConfig, List<IpamData> ipam,
            Map<String, String> options, Map<String, String> labels, Map<String, String> driverInfo) {
        this(id, name, driver, scope, created, internal, enableIpv6, ipamConfig, ipam, options, labels, driverInfo,
                NetworkOptions.DEFAULT_IPAM, Map.of());
    }

    /**
     * One allocated subnet.
     *
     * @param subnet       the subnet, as asked for or taken from the default pools
     * @param ipRange      where endpoints' addresses come from, or null for the whole subnet
     * @param gateway      the address reserved for the gateway
     * @param auxAddresses the addresses reserved by name ({@code --aux-address}); empty if none
     */
    public record IpamData(IpPrefix subnet, IpPrefix ipRange, InetAddress gateway,
            Map<String, InetAddress> auxAddresses) {
    }
}
