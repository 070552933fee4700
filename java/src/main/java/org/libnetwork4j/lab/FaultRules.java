package org.libnetwork4j.lab;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpAddresses;

/**
 * The nftables text of the faults that are rules. Each fault gets a table of its own in each
 * namespace it touches ({@code lnwlab_fN}): applying it is one transaction that creates the
 * table, healing it one that deletes it, and faults that overlap never undo each other. A drop
 * in any base chain of a hook is final whatever the other tables say, so priorities do not
 * matter.
 *
 * <p>Drops happen on the node's interfaces, in the netdev family's ingress and egress hooks,
 * the way a cable or a switch loses a frame: the sender is not told. (A drop in the inet
 * family's output hook would fail the sender's send with EPERM at once, which no real
 * partition does: a TCP client must see its connection time out.) The one fault meant to fail
 * fast, a DNS name, rejects in the inet output hook instead.
 */
final class FaultRules {
    static final String TABLE_PREFIX = "lnwlab_f";
    /** The most a raw payload match can compare at once: one 16-byte register. */
    private static final int CHUNK = 16;

    private FaultRules() {
    }

    static String table(int fault) {
        return TABLE_PREFIX + fault;
    }

    /** The command that heals what {@link #drop}, {@link #isolate} or {@link #loss} made. */
    static String deleteNetdev(int fault) {
        return "delete table netdev " + table(fault) + "\n";
    }

    /** The command that heals what {@link #dnsFailure} made. */
    static String deleteInet(int fault) {
        return "delete table inet " + table(fault) + "\n";
    }

    /**
     * On the interfaces: drops what arrives from sources and what leaves for destinations.
     */
    static String drop(int fault, String what, List<String> interfaces, List<InetAddress> sources,
            List<InetAddress> destinations) {
        return netdev(fault, what, interfaces, match("saddr", sources), match("daddr", destinations));
    }

    /** Drops every frame through the interfaces, both ways. */
    static String isolate(int fault, String what, List<String> interfaces) {
        return netdev(fault, what, interfaces, List.of("drop"), List.of("drop"));
    }

    /** Drops each frame through the interfaces, either way, with probability percent/100. */
    static String loss(int fault, String what, List<String> interfaces, double percent) {
        if (!(percent > 0 && percent <= 100)) {
            throw new InvalidParameterException("loss percent " + percent + ": from above 0 to 100");
        }
        String rule = "numgen random mod 10000 < " + Math.round(percent * 100) + " drop";
        return netdev(fault, what, interfaces, List.of(rule), List.of(rule));
    }

    /**
     * Refuses (ICMP port unreachable) the UDP DNS queries that leave for port 53 asking for name,
     * spelled as given or in lower case: the C library's resolver and dig fail at once rather
     * than after their timeouts. The question name starts 20 bytes into the UDP datagram
     * (8 bytes of UDP header, 12 of DNS header) and is compared 16 bytes at a time.
     */
    static String dnsFailure(int fault, String what, String name) {
        StringBuilder sb = new StringBuilder();
        sb.append("table inet ").append(table(fault)).append(" {\n");
        List<String> rules = new ArrayList<>();
        for (String spelling : new java.util.LinkedHashSet<>(List.of(name, name.toLowerCase(Locale.ROOT)))) {
            rules.add("udp dport 53 " + qnameMatch(spelling) + " reject");
        }
        chain(sb, "output", "type filter hook output priority filter", rules, what);
        return sb.append("}\n").toString();
    }

    /** The payload comparisons that match a DNS question for name (wire form, root label included). */
    static String qnameMatch(String name) {
        byte[] wire = wireName(name);
        StringBuilder sb = new StringBuilder();
        HexFormat hex = HexFormat.of();
        for (int off = 0; off < wire.length; off += CHUNK) {
            int len = Math.min(CHUNK, wire.length - off);
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append("@th,").append((20 + off) * 8).append(',').append(len * 8).append(" 0x")
                    .append(hex.formatHex(wire, off, off + len));
        }
        return sb.toString();
    }

    /** A name in DNS wire form: each label behind its length, then the empty root label. */
    static byte[] wireName(String name) {
        String n = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        if (n.isEmpty() || n.length() > 253) {
            throw new InvalidParameterException("DNS name \"" + name + "\": 1 to 253 characters");
        }
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        for (String label : n.split("\\.", -1)) {
            byte[] l = label.getBytes(StandardCharsets.US_ASCII);
            if (l.length == 0 || l.length > 63 || !label.chars().allMatch(c -> c > 32 && c < 127)) {
                throw new InvalidParameterException("DNS name \"" + name + "\": label \"" + label
                        + "\" must be 1 to 63 printable ASCII characters");
            }
            b.write(l.length);
            b.writeBytes(l);
        }
        b.write(0);
        return b.toByteArray();
    }

    /** "ip saddr { ... } drop" and its IPv6 twin, for those of addrs that exist. */
    private static List<String> match(String field, List<InetAddress> addrs) {
        List<String> v4 = new ArrayList<>();
        List<String> v6 = new ArrayList<>();
        for (InetAddress a : addrs) {
            (a instanceof Inet4Address ? v4 : v6).add(IpAddresses.format(a));
        }
        List<String> rules = new ArrayList<>();
        if (!v4.isEmpty()) {
            rules.add("ip " + field + " { " + String.join(", ", v4) + " } drop");
        }
        if (!v6.isEmpty()) {
            rules.add("ip6 " + field + " { " + String.join(", ", v6) + " } drop");
        }
        return rules;
    }

    /** One ingress and one egress chain per interface, when they have rules. */
    private static String netdev(int fault, String what, List<String> interfaces, List<String> in,
            List<String> out) {
        if (interfaces.isEmpty()) {
            throw new InvalidParameterException(what + ": no interface to apply it to");
        }
        StringBuilder sb = new StringBuilder();
        sb.append("table netdev ").append(table(fault)).append(" {\n");
        for (int i = 0; i < interfaces.size(); i++) {
            String dev = "\"" + interfaces.get(i) + "\"";
            chain(sb, "in" + i, "type filter hook ingress device " + dev + " priority filter", in, what);
            chain(sb, "out" + i, "type filter hook egress device " + dev + " priority filter", out, what);
        }
        return sb.append("}\n").toString();
    }

    private static void chain(StringBuilder sb, String name, String hook, List<String> rules, String what) {
        if (rules.isEmpty()) {
            return;
        }
        sb.append("  chain ").append(name).append(" {\n    ").append(hook).append("; policy accept;\n");
        for (String r : rules) {
            sb.append("    ").append(r).append(" comment \"").append(what.replace("\"", "'")).append("\"\n");
        }
        sb.append("  }\n");
    }
}
