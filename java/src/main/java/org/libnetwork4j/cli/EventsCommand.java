package org.libnetwork4j.cli;

import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.libnetwork4j.NetworkEvent;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lnw events}: the controller's events as they happen, streamed from the running
 * {@code lnw daemon} (a plain lnw's controller lives for one command: there would be nothing
 * to stream), until interrupted. Lines as {@code docker events} prints them, or Docker's JSON.
 * The daemon serves it beside its other commands (see {@link DaemonCommand}).
 */
@Command(name = "events", description = "Stream network, endpoint and sandbox events from the running lnw daemon.")
final class EventsCommand implements java.util.concurrent.Callable<Integer> {
    private static final Set<String> KEYS = Set.of("type", "event", "network", "container");

    @CommandLine.ParentCommand
    Lnw lnw;

    @Option(names = {"-f", "--filter"}, paramLabel = "KEY=VALUE",
            description = "type=network|endpoint|sandbox, event=create|connect|disconnect|destroy, network=NAME|ID,"
                    + " container=ID; values of one key are alternatives, keys all apply")
    List<String> filters = new ArrayList<>();

    @Option(names = "--format", paramLabel = "json", description = "json: Docker's event JSON, one per line")
    String format;

    @Override
    public Integer call() {
        // A daemon takes this request before it reaches here (DaemonCommand streams it).
        throw new Lnw.CliException("lnw events streams from a running lnw daemon: start one (lnw daemon &)");
    }

    /** What the options ask for: a filter and a way to print. */
    record Stream(Map<String, Set<String>> filter, boolean json) {
        boolean wants(NetworkEvent e) {
            for (Map.Entry<String, Set<String>> f : filter.entrySet()) {
                Set<String> want = f.getValue();
                boolean ok = switch (f.getKey()) {
                    case "type" -> want.contains(e.type().label());
                    case "event" -> want.contains(e.action());
                    // a network by id or name; for an endpoint event, its network's name
                    case "network" -> e.type() == NetworkEvent.Type.NETWORK
                            && (want.contains(e.id()) || want.contains(e.attributes().get("name")))
                            || e.type() == NetworkEvent.Type.ENDPOINT && want.contains(e.attributes().get("network"));
                    case "container" -> want.contains(e.attributes().get("container"));
                    default -> false;
                };
                if (!ok) {
                    return false;
                }
            }
            return true;
        }

        /** One line: docker's text form, or its JSON. */
        String line(NetworkEvent e) {
            if (json) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("Type", e.type().label());
                m.put("Action", e.action());
                m.put("Actor", Map.of("ID", e.id(), "Attributes", new TreeMap<>(e.attributes())));
                m.put("scope", "local");
                m.put("time", e.time().getEpochSecond());
                m.put("timeNano", e.time().getEpochSecond() * 1_000_000_000L + e.time().getNano());
                java.io.StringWriter w = new java.io.StringWriter();
                Output.jsonLines(new java.io.PrintWriter(w), List.of(m));
                return w.toString();
            }
            StringBuilder attrs = new StringBuilder();
            new TreeMap<>(e.attributes()).forEach((k, v) -> attrs.append(attrs.length() == 0 ? "" : ", ")
                    .append(k).append('=').append(v));
            return DateTimeFormatter.ISO_INSTANT.format(e.time()) + " " + e.type().label() + " " + e.action() + " "
                    + e.id() + " (" + attrs + ")\n";
        }
    }

    /** The stream a parsed events command asks for; a usage error as CliException. */
    Stream stream() {
        if (format != null && !format.equals("json")) {
            throw new Lnw.CliException("invalid --format \"" + format + "\": only json is known");
        }
        Map<String, Set<String>> filter = new TreeMap<>();
        for (String f : filters) {
            int eq = f.indexOf('=');
            String key = eq < 0 ? f : f.substring(0, eq);
            if (eq <= 0 || eq == f.length() - 1 || !KEYS.contains(key)) {
                throw new Lnw.CliException("invalid filter \"" + f + "\": KEY=VALUE with KEY one of "
                        + new java.util.TreeSet<>(KEYS));
            }
            filter.computeIfAbsent(key, k -> new java.util.HashSet<>()).add(f.substring(eq + 1));
        }
        return new Stream(filter, format != null);
    }
}
