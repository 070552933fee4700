package org.libnetwork4j.api;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import org.libnetwork4j.EventSubscription;
import org.libnetwork4j.NetworkController;
import org.libnetwork4j.NetworkEvent;
import org.libnetwork4j.http.Request;
import org.libnetwork4j.http.Response;
import org.libnetwork4j.http.StreamingBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /events}: the controller's network events as dockerd sends them (type
 * "network"; create, connect, disconnect, destroy; the network's id as Actor.ID; name, type
 * and container as attributes). Like dockerd, it keeps the last {@link #BUFFERED} events, so
 * that {@code since} can reach back before the request; {@code until} in the past ends the
 * response after those, in the future when it comes.
 *
 * <p>Docker's {@code container} attribute is the container's id, and the Engine API's
 * containers are the controller's sandboxes (the keys of {@code Containers}): the sandbox's id
 * is taken from the sandbox events that come before its connects, or asked of the controller
 * for a sandbox made before this subscription.
 */
final class EngineEvents implements AutoCloseable {
    /** dockerd's events.eventsLimit. */
    static final int BUFFERED = 256;
    static final Set<String> FILTERS = Set.of("container", "daemon", "event", "image", "label", "network", "node",
            "plugin", "scope", "service", "type", "volume", "config", "secret");
    private static final Logger LOG = LoggerFactory.getLogger(EngineEvents.class);

    /** One event as Docker's JSON, with what filters look at. */
    record Message(Instant time, String action, String id, Map<String, String> attributes, byte[] json) {
    }

    private final NetworkController controller;
    private final ArrayDeque<Message> recent = new ArrayDeque<>();
    private final List<Consumer<Message>> live = new CopyOnWriteArrayList<>();
    /** Container id to sandbox id, from the sandbox events. */
    private final Map<String, String> sandboxes = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timers;
    private final EventSubscription subscription;

    EngineEvents(NetworkController controller) {
        this.controller = controller;
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lnw-engine-events-until");
            t.setDaemon(true);
            return t;
        });
        this.subscription = controller.subscribe(this::publish, 4096);
    }

    private void publish(NetworkEvent e) {
        String container = e.attributes().get("container");
        if (e.type() == NetworkEvent.Type.SANDBOX) {
            if (NetworkEvent.CREATE.equals(e.action()) && container != null) {
                sandboxes.put(container, e.id());
            } else if (NetworkEvent.DESTROY.equals(e.action()) && container != null) {
                sandboxes.remove(container, e.id());
            }
            return;
        }
        if (e.type() != NetworkEvent.Type.NETWORK) {
            return; // endpoints are libnetwork4j's own: Docker has no such events
        }
        Map<String, String> attrs = new TreeMap<>(); // Go writes a map's keys sorted
        for (String k : List.of("name", "type")) {
            if (e.attributes().containsKey(k)) {
                attrs.put(k, e.attributes().get(k));
            }
        }
        if (container != null) {
            attrs.put("container", sandboxId(container));
        }
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("Type", "network");
        m.put("Action", e.action());
        Map<String, Object> actor = new java.util.LinkedHashMap<>();
        actor.put("ID", e.id());
        actor.put("Attributes", attrs);
        m.put("Actor", actor);
        m.put("scope", "local");
        m.put("time", e.time().getEpochSecond());
        m.put("timeNano", e.time().getEpochSecond() * 1_000_000_000L + e.time().getNano());
        byte[] json;
        try {
            json = (Json.MAPPER.writeValueAsString(m) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        } catch (JsonProcessingException ex) {
            LOG.warn("cannot write event {}", e, ex);
            return;
        }
        Message msg = new Message(e.time(), e.action(), e.id(), attrs, json);
        synchronized (this) {
            recent.addLast(msg);
            if (recent.size() > BUFFERED) {
                recent.removeFirst();
            }
            for (Consumer<Message> l : live) {
                l.accept(msg);
            }
        }
    }

    private String sandboxId(String container) {
        String id = sandboxes.get(container);
        if (id != null) {
            return id;
        }
        try {
            return controller.sandboxByContainerId(container).id();
        } catch (RuntimeException gone) {
            return container; // gone already: its name is what is left to say
        }
    }

    /** The response to GET /events. */
    Response serve(Request r) {
        Instant now = Instant.now();
        String sinceText = r.queryParameter("since");
        String untilText = r.queryParameter("until");
        Instant since = sinceText == null || sinceText.isEmpty() ? null : Filters.time(sinceText, now);
        Instant until = untilText == null || untilText.isEmpty() ? null : Filters.time(untilText, now);
        if (since != null && until != null && until.isBefore(since)) {
            throw ApiError.badRequest("`since` time (" + sinceText + ") cannot be after `until` time (" + untilText + ")");
        }
        Filters f = Filters.parse(r.queryParameter("filters"), FILTERS);
        boolean onlyPast = until != null && until.isBefore(now);
        return Response.stream(200, "application/json", body -> {
            Consumer<Message> listener = m -> {
                if (wanted(f, m) && (until == null || !m.time().isAfter(until))) {
                    body.write(m.json());
                }
            };
            synchronized (this) {
                // the buffered ones first, then the live ones, with nothing lost or twice between
                if (since != null) {
                    for (Message m : recent) {
                        if (!m.time().isBefore(since) && (until == null || !m.time().isAfter(until)) && wanted(f, m)) {
                            body.write(m.json());
                        }
                    }
                }
                if (onlyPast) {
                    body.close();
                    return;
                }
                live.add(listener);
            }
            ScheduledFuture<?> end = until == null ? null
                    : timers.schedule(body::close, Math.max(0, until.toEpochMilli() - System.currentTimeMillis()),
                            TimeUnit.MILLISECONDS);
            body.onClose(() -> {
                live.remove(listener);
                if (end != null) {
                    end.cancel(false);
                }
            });
        });
    }

    /** dockerd's events filter, for a network event. */
    private static boolean wanted(Filters f, Message m) {
        return f.exact("type", "network") && f.exact("scope", "local") && f.exact("event", m.action())
                && (!f.contains("network") || f.fuzzy("network", m.id()) || f.fuzzy("network", m.attributes().get("name")))
                && f.exact("container", m.attributes().get("container"))
                && f.labels("label", m.attributes())
                // what names another kind of object matches no network event
                && List.of("daemon", "image", "node", "plugin", "service", "volume", "config", "secret").stream()
                        .noneMatch(f::contains);
    }

    /** Ends the subscription; open streams end with the server. */
    @Override
    public void close() {
        subscription.close();
        timers.shutdownNow();
        live.clear();
    }

    /** For tests: what is buffered. */
    synchronized List<Message> recent() {
        return new ArrayList<>(recent);
    }
}
