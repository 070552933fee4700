package org.libnetwork4j.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The independent view of a namespace: iproute2 and nft, run inside it with nsenter, with JSON
 * output. Tests check what the library did through this, not through its own getters.
 */
public final class Oracle {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_SECONDS = 20;

    private Oracle() {
    }

    /** A command's result. */
    public record Result(int exitCode, String out, String err) {
        public boolean ok() {
            return exitCode == 0;
        }
    }

    /** Runs argv inside ns (nsenter --net=PATH argv...). Bounded by a timeout. */
    public static Result exec(NsRef ns, String... argv) {
        List<String> cmd = new ArrayList<>();
        cmd.add("nsenter");
        cmd.add("--net=" + ns.path());
        cmd.addAll(List.of(argv));
        return run(cmd);
    }

    public static Result run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).start();
            p.getOutputStream().close();
            var out = p.getInputStream().readAllBytes();
            var err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd);
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8),
                    new String(err, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + cmd, e);
        }
    }

    /** Runs argv in ns and returns stdout; fails the test if the command fails. */
    public static String out(NsRef ns, String... argv) {
        Result r = exec(ns, argv);
        if (!r.ok()) {
            throw new AssertionError(String.join(" ", argv) + " in " + ns + " failed ("
                    + r.exitCode() + "): " + r.err());
        }
        return r.out();
    }

    /** `ip -j -d ARGS` in ns, parsed. */
    public static JsonNode ip(NsRef ns, String... args) {
        String[] argv = new String[args.length + 3];
        argv[0] = "ip";
        argv[1] = "-j";
        argv[2] = "-d";
        System.arraycopy(args, 0, argv, 3, args.length);
        return parse(out(ns, argv));
    }

    /** The link named name in ns, as `ip -j -d link show` reports it. */
    public static Optional<JsonNode> link(NsRef ns, String name) {
        for (JsonNode l : ip(ns, "link", "show")) {
            if (name.equals(l.path("ifname").asText())) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    /**
     * The host end of an endpoint's veth pair in ns: the link whose alias names the endpoint,
     * as the bridge driver stamps it (its name is one of several the endpoint may take).
     */
    public static Optional<JsonNode> hostEnd(NsRef ns, String endpointId) {
        String owner = "lnw4j endpoint=" + endpointId;
        for (JsonNode l : ip(ns, "link", "show")) {
            String alias = l.path("ifalias").asText();
            if (alias.equals(owner) || alias.startsWith(owner + " ")) {
                return Optional.of(l);
            }
        }
        return Optional.empty();
    }

    /** A bridge port's flags in ns, as `bridge -j -d link show dev PORT` reports them. */
    public static JsonNode bridgePort(NsRef ns, String port) {
        JsonNode l = parse(out(ns, "bridge", "-j", "-d", "link", "show", "dev", port));
        if (l.size() != 1) {
            throw new AssertionError(port + " is not a bridge port in " + ns + ": " + l);
        }
        return l.get(0);
    }

    /** The names of all links in ns. */
    public static List<String> linkNames(NsRef ns) {
        List<String> names = new ArrayList<>();
        for (JsonNode l : ip(ns, "link", "show")) {
            names.add(l.path("ifname").asText());
        }
        return names;
    }

    /** The names of the links in ns that are administratively up. */
    public static List<String> upLinkNames(NsRef ns) {
        List<String> names = new ArrayList<>();
        for (JsonNode l : ip(ns, "link", "show", "up")) {
            names.add(l.path("ifname").asText());
        }
        return names;
    }

    /** "ADDR/LEN" of every address of the given family ("inet"/"inet6") on dev in ns. */
    public static List<String> addrs(NsRef ns, String dev, String family) {
        List<String> out = new ArrayList<>();
        for (JsonNode l : ip(ns, "addr", "show", "dev", dev)) {
            for (JsonNode a : l.path("addr_info")) {
                if (family.equals(a.path("family").asText())) {
                    out.add(a.path("local").asText() + "/" + a.path("prefixlen").asInt());
                }
            }
        }
        return out;
    }

    /** `nft -j ARGS` in ns, parsed. */
    public static JsonNode nft(NsRef ns, String... args) {
        String[] argv = new String[args.length + 2];
        argv[0] = "nft";
        argv[1] = "-j";
        System.arraycopy(args, 0, argv, 2, args.length);
        return parse(out(ns, argv));
    }

    /** An element of an nftables set or map as {@code nft -j} shows it; value null for sets. */
    public record NftElement(String key, String value, String comment) {
        @Override
        public String toString() {
            return value == null ? key : key + " : " + value;
        }
    }

    /** The elements of set or map NAME of TABLE (e.g. "inet libnetwork4j"), as nft -j lists them. */
    public static List<NftElement> nftElements(NsRef ns, String table, String name) {
        String[] t = table.split(" ");
        JsonNode root = nft(ns, "list", "table", t[0], t[1]); // "list set" refuses maps and vice versa
        List<NftElement> out = new ArrayList<>();
        for (JsonNode item : root.path("nftables")) {
            JsonNode obj = item.has("map") ? item.path("map") : item.path("set");
            if (!name.equals(obj.path("name").asText())) {
                continue;
            }
            for (JsonNode e : obj.path("elem")) {
                JsonNode key = e.isArray() ? e.get(0) : e;
                String value = e.isArray() ? nftValue(e.get(1)) : null;
                String comment = key.path("elem").path("comment").asText(null);
                if (key.has("elem")) {
                    key = key.path("elem").path("val");
                }
                out.add(new NftElement(nftValue(key), value, comment));
            }
        }
        return out;
    }

    /** The comments on every element of every set and map of TABLE: who owns what. */
    public static List<String> nftElementComments(NsRef ns, String table) {
        String[] t = table.split(" ");
        List<String> out = new ArrayList<>();
        for (JsonNode item : nft(ns, "list", "table", t[0], t[1]).path("nftables")) {
            JsonNode obj = item.has("map") ? item.path("map") : item.path("set");
            for (JsonNode e : obj.path("elem")) {
                JsonNode key = e.isArray() ? e.get(0) : e;
                out.add(key.path("elem").path("comment").asText("(none)"));
            }
        }
        return out;
    }

    private static String nftValue(JsonNode v) {
        if (v.has("concat")) {
            List<String> parts = new ArrayList<>();
            v.path("concat").forEach(p -> parts.add(nftValue(p)));
            return String.join(" . ", parts);
        }
        if (v.has("prefix")) {
            return v.path("prefix").path("addr").asText() + "/" + v.path("prefix").path("len").asInt();
        }
        return v.asText();
    }

    /** One ICMP echo from ns to ip: real traffic, 2 s at most. */
    public static boolean ping(NsRef ns, String ip) {
        return exec(ns, "ping", "-c", "1", "-W", "2", ip).ok();
    }

    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json.isBlank() ? "[]" : json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
