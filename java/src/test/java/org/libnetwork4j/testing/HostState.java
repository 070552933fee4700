package org.libnetwork4j.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a fake host holds, read with independent tools: links (name, kind, bridge), addresses,
 * routes, the owners of our nftables elements, and under the run directory the namespace files,
 * the mounts on them and the sandbox file directories. Equal snapshots mean nothing was left
 * behind (or taken away).
 */
public record HostState(List<String> links, List<String> addresses, List<String> routes, List<String> ruleOwners,
        List<String> namespaceFiles, List<String> mounts, List<String> sandboxDirs) {

    public static HostState of(TestNs host, Path runDir) {
        TreeSet<String> links = new TreeSet<>();
        JsonNode ls = Oracle.ip(host, "link", "show");
        for (JsonNode l : ls) {
            // admin state, not operstate: that one follows carrier and the kernel's link watch, in time
            boolean up = false;
            for (JsonNode f : l.path("flags")) {
                up |= f.asText().equals("UP");
            }
            links.add(l.path("ifname").asText() + " " + l.path("linkinfo").path("info_kind").asText("-") + " "
                    + l.path("master").asText("-") + (up ? " up" : " down"));
        }
        // IPv6 link-local addresses (and their fe80::/64 routes) are the kernel's, made from
        // the link's address when it first has carrier (a bridge: when a port comes); we never
        // add one. Whether one is there yet is a matter of timing, not of what we leaked.
        TreeSet<String> addrs = new TreeSet<>();
        for (JsonNode l : Oracle.ip(host, "addr", "show")) {
            for (JsonNode a : l.path("addr_info")) {
                if (a.path("family").asText().equals("inet6") && a.path("scope").asText().equals("link")) {
                    continue;
                }
                addrs.add(l.path("ifname").asText() + " " + a.path("local").asText() + "/" + a.path("prefixlen").asInt());
            }
        }
        TreeSet<String> routes = new TreeSet<>();
        for (String family : new String[] {"-4", "-6"}) {
            for (JsonNode r : Oracle.ip(host, family, "route", "show")) {
                if (r.path("dst").asText().equals("fe80::/64")) {
                    continue;
                }
                routes.add(r.path("dst").asText() + " via " + r.path("gateway").asText("-") + " dev "
                        + r.path("dev").asText());
            }
        }
        TreeSet<String> owners = new TreeSet<>();
        for (String table : new String[] {"inet libnetwork4j", "bridge libnetwork4j"}) {
            String[] t = table.split(" ");
            if (Oracle.exec(host, "nft", "list", "table", t[0], t[1]).ok()) {
                owners.addAll(Oracle.nftElementComments(host, table));
            }
        }
        return new HostState(List.copyOf(links), List.copyOf(addrs), List.copyOf(routes), List.copyOf(owners),
                names(runDir.resolve("netns")), mountsUnder(runDir), names(runDir.resolve("sandboxes")));
    }

    private static List<String> names(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Mount points under dir, from the kernel's mount table. */
    public static List<String> mountsUnder(Path dir) {
        List<String> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String mountPoint = line.split(" ")[4];
                if (mountPoint.startsWith(dir.toString() + "/")) {
                    out.add(dir.relativize(Path.of(mountPoint)).toString());
                }
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        out.sort(null);
        return out;
    }
}
