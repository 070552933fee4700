package org.libnetwork4j;

import java.net.InetAddress;

/**
 * A published port as it is: traffic to {@code hostIp:hostPort} (any host address if hostIp is
 * null) goes to {@code containerIp:containerPort}.
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
