package org.libnetwork4j;

import java.net.InetAddress;

/**
 * A published port as it is: traffic to {@code hostIp:hostPort} (any host address if hostIp is
 * null) goes to {@code containerIp:containerPort}.
 *
 * @param hostIp        the host address traffic is taken on, or null for every address
 * @param hostPort      the host port taken: the binding's, one of its range, or an ephemeral
 *                      one
 * @param containerIp   the endpoint's IPv4 or IPv6 address, whichever family the mapping is for
 * @param containerPort the port in the container
 * @param protocol      the transport protocol
 */
public record PortMapping(InetAddress hostIp, int hostPort, InetAddress containerIp, int containerPort,
        Protocol protocol) {

    /** {@code 0.0.0.0:8080->80/tcp}, as {@code docker ps} shows it. */
    @Override
    public String toString() {
        String host = hostIp == null ? (IpPrefix.bits(containerIp) == 32 ? "0.0.0.0" : "[::]")
                : IpPrefix.bits(hostIp) == 128 ? "[" + IpAddresses.format(hostIp) + "]" : IpAddresses.format(hostIp);
        return host + ":" + hostPort + "->" + containerPort + "/" + protocol.label();
    }
}
