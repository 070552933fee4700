package org.libnetwork4j;

import java.net.InetAddress;

/**
 * A port to publish, as {@code docker run -p} writes it:
 * {@code [hostIP:][hostPort[-end]:]containerPort[/tcp|udp|sctp]}. An IPv6 host address goes in
 * brackets ({@code [::1]:8080:80}). Without a host port (or with 0) the host port comes from
 * the ephemeral range; with a range, the first free port of it is taken.
 *
 * @param hostIp        null: every address of the host (IPv4, and IPv6 if the endpoint has it)
 * @param hostPort      first host port, 0 for any
 * @param hostPortEnd   last host port of the range (= hostPort for one port, 0 for any)
 * @param containerPort the port in the container, 1-65535
 * @param protocol      the transport protocol ({@link #parse} defaults to tcp)
 */
public record PortBinding(InetAddress hostIp, int hostPort, int hostPortEnd, int containerPort,
        Protocol protocol) {

    /**
     * Checks the ports and the protocol.
     *
     * @param hostIp        the host address, or null for every one
     * @param hostPort      first host port, 0 for any
     * @param hostPortEnd   last host port, at least hostPort; 0 for any
     * @param containerPort the container's port, 1-65535
     * @param protocol      the protocol, not null
     * @throws InvalidParameterException if containerPort is not 1-65535, the host ports are not
     *                                   a range within 0-65535 with both ends 0 or neither,
     *                                   or protocol is null
     */
    public PortBinding {
        if (containerPort < 1 || containerPort > 65535) {
            throw new InvalidParameterException("invalid container port " + containerPort);
        }
        if (hostPort < 0 || hostPort > 65535 || hostPortEnd < hostPort || hostPortEnd > 65535
                || (hostPort == 0) != (hostPortEnd == 0)) {
            throw new InvalidParameterException("invalid host port range " + hostPort + "-" + hostPortEnd);
        }
        if (protocol == null) {
            throw new InvalidParameterException("no protocol for container port " + containerPort);
        }
    }

    /**
     * Parses Docker's {@code -p} value.
     *
     * @param spec e.g. {@code 8080:80}, {@code 127.0.0.1:8000-8010:80/udp}, {@code [::1]:8080:80};
     *             surrounding whitespace is ignored
     * @return the binding; tcp when spec names no protocol
     * @throws InvalidParameterException naming spec if it is malformed, or gives a container port
     *                                   range
     */
    public static PortBinding parse(String spec) {
        String s = spec == null ? "" : spec.trim();
        try {
            Protocol proto = Protocol.TCP;
            int slash = s.lastIndexOf('/');
            if (slash >= 0) {
                proto = Protocol.parse(s.substring(slash + 1));
                s = s.substring(0, slash);
            }
            InetAddress ip = null;
            if (s.startsWith("[")) {
                int close = s.indexOf(']');
                if (close < 0 || close + 1 >= s.length() || s.charAt(close + 1) != ':') {
                    throw new InvalidParameterException("bad IPv6 host address");
                }
                ip = IpAddresses.parse(s.substring(1, close));
                s = s.substring(close + 2);
                if (s.indexOf(':') < 0) {
                    s = ":" + s; // [::1]:80 means [::1]::80
                }
            }
            String[] parts = s.split(":", -1);
            String hostPart;
            String containerPart;
            switch (parts.length) {
                case 1 -> {
                    hostPart = "";
                    containerPart = parts[0];
                }
                case 2 -> {
                    hostPart = parts[0];
                    containerPart = parts[1];
                }
                case 3 -> {
                    if (ip != null) {
                        throw new InvalidParameterException("two host addresses");
                    }
                    ip = IpAddresses.parse(parts[0]);
                    hostPart = parts[1];
                    containerPart = parts[2];
                }
                default -> throw new InvalidParameterException("too many ':'");
            }
            if (containerPart.contains("-")) {
                throw new InvalidParameterException("container port ranges are not supported");
            }
            int container = port(containerPart);
            int first = 0;
            int last = 0;
            if (!hostPart.isEmpty()) {
                int dash = hostPart.indexOf('-');
                first = dash < 0 ? port(hostPart) : port(hostPart.substring(0, dash));
                last = dash < 0 ? first : port(hostPart.substring(dash + 1));
            }
            return new PortBinding(ip, first, last, container, proto);
        } catch (InvalidParameterException e) {
            throw new InvalidParameterException("invalid port binding \"" + spec + "\": " + e.getMessage());
        }
    }

    private static int port(String s) {
        if (s.isEmpty() || s.length() > 5 || !s.chars().allMatch(Character::isDigit)) {
            throw new InvalidParameterException("\"" + s + "\" is not a port");
        }
        int p = Integer.parseInt(s);
        if (p > 65535) {
            throw new InvalidParameterException(s + " is not a port");
        }
        return p;
    }

    @Override
    public String toString() {
        String host = hostIp == null ? "" : (IpPrefix.bits(hostIp) == 128 ? "[" + IpAddresses.format(hostIp) + "]"
                : IpAddresses.format(hostIp)) + ":";
        String hp = hostPort == 0 ? "" : hostPort == hostPortEnd ? hostPort + ":" : hostPort + "-" + hostPortEnd + ":";
        if (hostIp != null && hostPort == 0) {
            hp = ":";
        }
        return host + hp + containerPort + "/" + protocol.label();
    }
}
