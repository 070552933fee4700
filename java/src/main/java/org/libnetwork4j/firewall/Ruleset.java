package org.libnetwork4j.firewall;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.IpPrefix;
import org.libnetwork4j.PortMapping;

/**
 * The nftables text of libnetwork4j's firewall, as pure functions of its state (golden-file
 * tested). The rules never change: everything that depends on networks and endpoints is an
 * element of a set or map, so adding or removing a network or a published port is a
 * transaction of a few elements whatever their number, and the kernel matches each packet
 * against a set lookup rather than a rule per network.
 *
 * <p>With br_netfilter active (its default when loaded: {@code bridge-nf-call-iptables=1}),
 * frames bridged between two containers of one network also traverse the inet forward hook,
 * with the bridge as input and output interface; the {@code intra} set lets them through. The
 * rules hold with br_netfilter off too, where such frames never reach that hook.
 *
 * <p>Tables: {@code inet libnetwork4j} (filter and NAT, IPv4 and IPv6); {@code bridge
 * libnetwork4j} (inter-container communication, see {@link #BRIDGE_TABLE}); and
 * {@code inet libnetwork4j-user}, made for the administrator with our tables the first time
 * they are needed and never touched again: its forward chain runs before ours, so a drop there
 * is final whatever ours say. Ours exist only while there is something to hold ({@link
 * Firewall}); the administrator's stays.
 */
public final class Ruleset {
    /** Our filter and NAT table, IPv4 and IPv6; exists only while there is something to hold. */
    public static final String TABLE = "inet libnetwork4j";
    /**
     * The bridge family's table: router advertisements are dropped on their way to a
     * container's port (the host end of a veth), whether another container sends them or the
     * host. Docker writes accept_ra=0 in every container's namespace instead; a /proc/sys write in each of
     * 10,000 namespaces costs O(namespaces) each (see KernelSandboxOs). Other programs' veth
     * ports on the same host lose router advertisements too while these tables exist.
     *
     * <p>The embedded resolver's restart rules are here too, on the frames the host sends
     * out through a bridge, rather than in an output chain of the inet table, and the rule
     * that keeps gateways from outside is in the raw prerouting chain rather than an input
     * chain: each base chain is one more hook every packet of the host walks through, and
     * those two cost the resolver ~5% of its queries per second under dnsperf (see
     * benchmarks/RESULTS.md). The restart rules test the protocol first, so that a packet of
     * another kind (a DNS answer) leaves each at its first comparison.
     */
    public static final String BRIDGE_TABLE = "bridge libnetwork4j";
    /** The administrator's table: made with ours the first time, never flushed or deleted by us. */
    public static final String USER_TABLE = "inet libnetwork4j-user";
    // The port is read in the datagram the ICMP error quotes, at a fixed offset from the ICMP
    // header (8 bytes): after an IPv4 header of 20 bytes, which holds only if it has no
    // options (first byte 0x45), or an IPv6 header of 40 whose next header is UDP (17). A
    // quoted query with options or extension headers, which no resolver client sends, is let
    // through: its sender learns at once that nobody listens, as without these rules.
    private static final String QUERY_WAITS =
            "while the resolver restarts, a query waits for the client's retry instead of failing";
    // Only the reset a closed port sends to a SYN: the kernel gives it sequence number 0
    // (RFC 793: there is no ACK in the segment it answers). A reset of a connection that was
    // established carries the connection's own sequence number and passes: its client must
    // not wait for a timeout over a connection that is gone (DnsTest).
    private static final String CONNECTION_WAITS =
            "while the resolver restarts, a connection waits for the client's retry instead of failing";

    private Ruleset() {
    }

    /**
     * The embedded resolver's restart rules in a namespace of its own, one that holds nothing
     * but its listeners and the containers' ports (an overlay network's): every ICMP port
     * unreachable about port 53, and every reset to a SYN for port 53, sent from there is the
     * resolver's, so none needs a set. Replaces the table if it is there (a namespace taken up
     * after a restart).
     */
    static String resolverNamespace() {
        return """
                table %1$s
                delete table %1$s
                table %1$s {
                	chain output {
                		type filter hook output priority filter; policy accept;
                		icmp type destination-unreachable icmp code port-unreachable @th,64,8 0x45 @th,240,16 53 drop comment "%2$s"
                		icmpv6 type destination-unreachable icmpv6 code port-unreachable @th,112,8 17 @th,400,16 53 drop comment "%2$s"
                		tcp flags rst tcp sequence 0 tcp sport 53 drop comment "%3$s"
                	}
                }
                """.formatted(TABLE, QUERY_WAITS, CONNECTION_WAITS);
    }

    /** The administrator's table: its forward chain is evaluated before libnetwork4j's. */
    static String userTable() {
        return """
                table inet libnetwork4j-user {
                	chain forward {
                		type filter hook forward priority filter - 10; policy accept;
                	}
                }
                """;
    }

    /**
     * Our two tables gone, whether or not they exist ("add" then "delete": a table someone
     * deleted is no error); the administrator's stays.
     */
    static String removeAll() {
        return "add table " + TABLE + "\ndelete table " + TABLE + "\nadd table " + BRIDGE_TABLE + "\ndelete table "
                + BRIDGE_TABLE + "\n";
    }

    /** Our two tables, from scratch, with every element the state has. One transaction. */
    static String full(FirewallState s) {
        // removed first, whether or not they exist: no foreign rule of ours survives
        StringBuilder sb = new StringBuilder(removeAll());
        sb.append(SKELETON);
        List<String> elements = new ArrayList<>();
        for (NetworkRules n : s.networks()) {
            elements.addAll(networkElements(n, true));
        }
        for (Map.Entry<String, List<PortMapping>> e : s.published().entrySet()) {
            for (PortMapping m : e.getValue()) {
                elements.add(portElement(m, e.getKey()));
            }
        }
        for (String e : elements) {
            sb.append("add element ").append(e).append('\n');
        }
        return sb.toString();
    }

    static String addNetwork(NetworkRules n) {
        return commands("add", networkElements(n, true));
    }

    static String removeNetwork(NetworkRules n) {
        return commands("delete", networkElements(n, false));
    }

    static String publish(String endpointId, Collection<PortMapping> ms) {
        StringBuilder sb = new StringBuilder();
        for (PortMapping m : ms) {
            sb.append("add element ").append(portElement(m, endpointId)).append('\n');
        }
        return sb.toString();
    }

    static String unpublish(Collection<PortMapping> ms) {
        StringBuilder sb = new StringBuilder();
        for (PortMapping m : ms) {
            sb.append("delete element ").append(portElement(m, null)).append('\n');
        }
        return sb.toString();
    }

    private static String commands(String verb, List<String> elements) {
        StringBuilder sb = new StringBuilder();
        for (String e : elements) {
            sb.append(verb).append(" element ").append(e).append('\n');
        }
        return sb.toString();
    }

    /**
     * A network's elements; with its id as their comment when they are to be added (a delete
     * names keys only). The comment is what lets an administrator, or a test, tell whose rule
     * an element is with {@code nft list table}.
     */
    private static List<String> networkElements(NetworkRules n, boolean commented) {
        List<String> l = new ArrayList<>();
        String br = quote(n.bridge());
        String c = commented ? comment("network " + n.id()) : "";
        l.add(TABLE + " bridges { " + br + c + " }");
        l.add(TABLE + " intra { " + br + " . " + br + c + " }");
        if (n.internal()) {
            l.add(TABLE + " internal_bridges { " + br + c + " }");
        } else if (n.snatIpv4() != null) {
            l.add(TABLE + " snat4 { " + br + c + " : " + IpAddresses.format(n.snatIpv4()) + " }");
        } else if (n.masquerade()) {
            l.add(TABLE + " masq_bridges { " + br + c + " }");
        }
        for (IpPrefix sn : n.subnets()) {
            l.add(TABLE + (sn.isIpv4() ? " nets4 { " : " nets6 { ") + sn + " . " + br + c + " }");
        }
        for (InetAddress gw : n.gateways()) {
            l.add(TABLE + (gw instanceof Inet4Address ? " gateways4 { " : " gateways6 { ")
                    + IpAddresses.format(gw) + c + " }");
            if (n.resolver()) {
                // in both tables: the NAT rules' exception in ours, the restart rules in the
                // bridge family's (see SKELETON)
                for (String t : List.of(TABLE, BRIDGE_TABLE)) {
                    l.add(t + (gw instanceof Inet4Address ? " resolvers4 { " : " resolvers6 { ")
                            + IpAddresses.format(gw) + c + " }");
                }
            }
        }
        return l;
    }

    private static String comment(String text) {
        return " comment \"" + text + "\"";
    }

    /** An element of a ports map; without an endpoint id, the key alone (for delete). */
    private static String portElement(PortMapping m, String endpointId) {
        boolean v4 = m.containerIp() instanceof Inet4Address;
        String key = m.protocol().label() + " . " + m.hostPort();
        String map;
        if (m.hostIp() == null) {
            map = v4 ? "ports_any4" : "ports_any6";
        } else {
            map = v4 ? "ports_ip4" : "ports_ip6";
            key = IpAddresses.format(m.hostIp()) + " . " + key;
        }
        String value = endpointId == null ? ""
                : comment("endpoint " + endpointId) + " : " + IpAddresses.format(m.containerIp()) + " . "
                        + m.containerPort();
        return TABLE + " " + map + " { " + key + value + " }";
    }

    private static String quote(String ifname) {
        // interface names cannot hold a quote or a backslash (the kernel refuses '/' ':' and
        // whitespace; our own names are [A-Za-z0-9_.-]), so quoting is all that is needed
        return "\"" + ifname + "\"";
    }

    /** The fixed part: tables, sets, maps, chains and every rule. */
    static final String SKELETON = """
            table inet libnetwork4j {
            	set bridges {
            		type ifname
            	}
            	set masq_bridges {
            		type ifname
            	}
            	map snat4 {
            		type ifname : ipv4_addr
            	}
            	set internal_bridges {
            		type ifname
            	}
            	set intra {
            		type ifname . ifname
            	}
            	set nets4 {
            		type ipv4_addr . ifname
            		flags interval
            	}
            	set nets6 {
            		type ipv6_addr . ifname
            		flags interval
            	}
            	set gateways4 {
            		type ipv4_addr
            	}
            	set gateways6 {
            		type ipv6_addr
            	}
            	set resolvers4 {
            		type ipv4_addr
            	}
            	set resolvers6 {
            		type ipv6_addr
            	}
            	map ports_any4 {
            		type inet_proto . inet_service : ipv4_addr . inet_service
            	}
            	map ports_ip4 {
            		type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service
            	}
            	map ports_any6 {
            		type inet_proto . inet_service : ipv6_addr . inet_service
            	}
            	map ports_ip6 {
            		type ipv6_addr . inet_proto . inet_service : ipv6_addr . inet_service
            	}
            	chain raw_prerouting {
            		type filter hook prerouting priority raw; policy accept;
            		iifname != "lo" ip daddr 127.0.0.0/8 drop comment "CVE-2020-8558: 127/8, ports published there included, only from the host itself"
            		iifname != @bridges iifname != "lo" ip daddr @gateways4 drop comment "bridge gateways are not reachable from outside"
            		iifname != @bridges iifname != "lo" ip6 daddr @gateways6 drop comment "bridge gateways are not reachable from outside"
            	}
            	chain nat_prerouting {
            		type nat hook prerouting priority dstnat; policy accept;
            		ip daddr @resolvers4 meta l4proto { tcp, udp } th dport 53 return comment "the embedded resolver: a container publishing port 53 does not take the others' DNS"
            		ip6 daddr @resolvers6 meta l4proto { tcp, udp } th dport 53 return comment "the embedded resolver: a container publishing port 53 does not take the others' DNS"
            		fib daddr type local jump published comment "DNAT only what is addressed to this host (CVE-2025-67499)"
            	}
            	chain nat_output {
            		type nat hook output priority -100; policy accept;
            		fib daddr type local jump published comment "published ports from the host itself"
            	}
            	chain published {
            		meta nfproto ipv4 dnat ip addr . port to ip daddr . meta l4proto . th dport map @ports_ip4
            		meta nfproto ipv4 dnat ip addr . port to meta l4proto . th dport map @ports_any4
            		meta nfproto ipv6 dnat ip6 addr . port to ip6 daddr . meta l4proto . th dport map @ports_ip6
            		meta nfproto ipv6 dnat ip6 addr . port to meta l4proto . th dport map @ports_any6
            	}
            	chain forward {
            		type filter hook forward priority filter; policy accept;
            		oifname @bridges jump to_bridge
            		iifname @internal_bridges drop comment "internal networks: nothing leaves"
            	}
            	chain to_bridge {
            		iifname . oifname @intra accept comment "within one network (bridged frames reach here with br_netfilter)"
            		oifname @internal_bridges drop comment "internal networks: nothing enters"
            		ct state established,related accept
            		ct status dnat accept comment "published ports"
            		drop comment "no direct access to containers: from other networks or from outside"
            	}
            	chain nat_postrouting {
            		type nat hook postrouting priority srcnat; policy accept;
            		ct status dnat ip saddr . oifname @nets4 masquerade comment "a container to a port published by its own network (hairpin): replies must come back through the host"
            		ct status dnat ip6 saddr . oifname @nets6 masquerade comment "a container to a port published by its own network (hairpin): replies must come back through the host"
            		oifname @bridges meta nfproto ipv4 ip saddr 127.0.0.0/8 masquerade comment "the host to a port published on 127.0.0.1"
            		oifname != @bridges iifname @bridges meta nfproto ipv4 snat ip to iifname map @snat4
            		oifname != @bridges iifname @masq_bridges masquerade
            	}
            }
            table bridge libnetwork4j {
            	set resolvers4 {
            		type ipv4_addr
            	}
            	set resolvers6 {
            		type ipv6_addr
            	}
            	chain forward {
            		type filter hook forward priority filter; policy accept;
            		oifname "veth*" icmpv6 type nd-router-advert drop comment "containers obey no router advertisement (CVE-2020-13401)"
            	}
            	chain output {
            		type filter hook output priority filter; policy accept;
            		oifname "veth*" icmpv6 type nd-router-advert drop comment "containers obey no router advertisement (CVE-2020-13401)"
            		icmp type destination-unreachable icmp code port-unreachable ip saddr @resolvers4 @th,64,8 0x45 @th,240,16 53 drop comment "while the resolver restarts, a query waits for the client's retry instead of failing"
            		icmpv6 type destination-unreachable icmpv6 code port-unreachable ip6 saddr @resolvers6 @th,112,8 17 @th,400,16 53 drop comment "while the resolver restarts, a query waits for the client's retry instead of failing"
            		tcp flags rst tcp sequence 0 tcp sport 53 ip saddr @resolvers4 drop comment "while the resolver restarts, a connection waits for the client's retry instead of failing"
            		tcp flags rst tcp sequence 0 tcp sport 53 ip6 saddr @resolvers6 drop comment "while the resolver restarts, a connection waits for the client's retry instead of failing"
            	}
            }
            """;
}
