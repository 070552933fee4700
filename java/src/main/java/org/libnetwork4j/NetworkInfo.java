package org.libnetwork4j;

import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a network is, as {@code docker network inspect} reports it.
 *
 * @param ipamConfig the subnets as asked for
 * @param ipam       the subnets as allocated: subnet, range, gateway, aux addresses
 * @param options    the driver options as given
 * @param driverInfo what the driver reports (for a bridge: its name, whether it was adopted)
 */
public record NetworkInfo(String id, String name, String driver, String scope, Instant created,
        boolean internal, boolean enableIpv6, List<IpamConfig> ipamConfig, List<IpamData> ipam,
        Map<String, String> options, Map<String, String> labels, Map<String, String> driverInfo) {

    /** One allocated subnet. */
    public record IpamData(IpPrefix subnet, IpPrefix ipRange, InetAddress gateway,
            Map<String, InetAddress> auxAddresses) {
    }
}
