package org.libnetwork4j.api;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import org.libnetwork4j.InvalidParameterException;

/**
 * Docker's {@code filters} query parameter (its filters.Args): a JSON map from a key to its
 * values, either {@code {"name": {"n1": true}}} (what the docker CLI sends) or the older
 * {@code {"name": ["n1"]}}. Values of one key are alternatives; keys all apply. Shared with
 * {@code lnw network ls|prune --filter} through {@link DockerNetworks#list} and
 * {@link DockerNetworks#prune}: a malformed filter is an {@link InvalidParameterException}
 * (the API's 400), but for the parameter's JSON itself.
 */
final class Filters {
    private static final Pattern DURATION = Pattern.compile("(?:(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h))+");
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");
    private static final Pattern UNIX = Pattern.compile("(-?\\d+)(?:\\.(\\d{1,9}))?");

    private final Map<String, Set<String>> args;

    private Filters(Map<String, Set<String>> args) {
        this.args = args;
    }

    /**
     * Parses the parameter and checks its keys.
     *
     * @param json     the parameter's value, or null/empty for no filter
     * @param accepted the keys the endpoint knows; any other is a 400
     */
    static Filters parse(String json, Set<String> accepted) {
        Map<String, Set<String>> args = new LinkedHashMap<>();
        if (json != null && !json.isEmpty()) {
            JsonNode root;
            try {
                root = Json.MAPPER.readTree(json);
            } catch (JsonProcessingException e) {
                throw ApiError.badRequest("invalid filters: " + e.getOriginalMessage());
            }
            if (root == null || !root.isObject()) {
                throw ApiError.badRequest("invalid filters: not a JSON object");
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                Set<String> values = new LinkedHashSet<>();
                JsonNode v = e.getValue();
                if (v.isObject()) {
                    v.fieldNames().forEachRemaining(values::add);
                } else if (v.isArray()) {
                    for (JsonNode x : v) {
                        if (!x.isTextual()) {
                            throw ApiError.badRequest("invalid filters: values of '" + e.getKey() + "' are not strings");
                        }
                        values.add(x.textValue());
                    }
                } else {
                    throw ApiError.badRequest("invalid filters: '" + e.getKey() + "' has neither a list nor a map");
                }
                args.put(e.getKey(), values);
            }
        }
        return of(args, accepted);
    }

    /**
     * Filters already split into keys and values (the command line's {@code --filter k=v}),
     * checked as the parameter is.
     *
     * @param args     values by key
     * @param accepted the keys the endpoint knows
     * @throws InvalidParameterException for any other key ({@code Invalid filter 'k'}, dockerd's words)
     */
    static Filters of(Map<String, Set<String>> args, Set<String> accepted) {
        for (String k : args.keySet()) {
            if (!accepted.contains(k)) {
                throw new InvalidParameterException("Invalid filter '" + k + "'");
            }
        }
        return new Filters(new LinkedHashMap<>(args));
    }

    boolean contains(String key) {
        return args.containsKey(key);
    }

    Set<String> get(String key) {
        return args.getOrDefault(key, Set.of());
    }

    /** filters.Args.ExactMatch: no values for key, or one equal to source. */
    boolean exact(String key, String source) {
        Set<String> v = args.get(key);
        return v == null || v.isEmpty() || v.contains(source);
    }

    /** filters.Args.Match: a value equal to source, or a regular expression found in it. */
    boolean match(String key, String source) {
        Set<String> v = args.get(key);
        if (v == null || v.isEmpty() || v.contains(source)) {
            return true;
        }
        for (String re : v) {
            try {
                if (Pattern.compile(re).matcher(source).find()) {
                    return true;
                }
            } catch (PatternSyntaxException e) {
                // Docker skips a value that is no regular expression
            }
        }
        return false;
    }

    /** filters.Args.FuzzyMatch: a value equal to source or a prefix of it. */
    boolean fuzzy(String key, String source) {
        Set<String> v = args.get(key);
        if (v == null || v.isEmpty()) {
            return true;
        }
        return source != null && v.stream().anyMatch(source::startsWith);
    }

    /**
     * filters.Args.MatchKVList: every value of key, {@code k} or {@code k=v}, is in labels
     * (with that value).
     */
    boolean labels(String key, Map<String, String> labels) {
        for (String want : get(key)) {
            if (!matchesLabel(want, labels)) {
                return false;
            }
        }
        return true;
    }

    /** One {@code k} or {@code k=v}: labels has k (with value v). */
    static boolean matchesLabel(String want, Map<String, String> labels) {
        int eq = want.indexOf('=');
        String k = eq < 0 ? want : want.substring(0, eq);
        return labels.containsKey(k) && (eq < 0 || want.substring(eq + 1).equals(labels.get(k)));
    }

    /** The one value of key, or null; two are a 400. */
    String single(String key) {
        Set<String> v = get(key);
        if (v.size() > 1) {
            throw new InvalidParameterException("more than one " + key + " filter specified");
        }
        return v.isEmpty() ? null : v.iterator().next();
    }

    /**
     * A time as Docker's API takes it (timetypes.GetTimestamp): a Go duration before now
     * ({@code 10m}, {@code 1h30m}), seconds since the epoch with optional nanoseconds
     * ({@code 1620000000.5}), an RFC 3339 time, or a date/time without zone (the local one).
     *
     * @param value the text
     * @param now   what a duration counts back from
     * @return the instant
     */
    static Instant time(String value, Instant now) {
        if (DURATION.matcher(value).matches()) {
            double nanos = 0;
            Matcher m = DURATION_PART.matcher(value);
            while (m.find()) {
                double n = Double.parseDouble(m.group(1));
                nanos += n * switch (m.group(2)) {
                    case "ns" -> 1d;
                    case "us", "µs" -> 1e3;
                    case "ms" -> 1e6;
                    case "s" -> 1e9;
                    case "m" -> 60e9;
                    default -> 3600e9;
                };
            }
            return now.minusNanos((long) nanos);
        }
        Matcher u = UNIX.matcher(value);
        if (u.matches()) {
            long nanos = u.group(2) == null ? 0 : Long.parseLong((u.group(2) + "000000000").substring(0, 9));
            return Instant.ofEpochSecond(Long.parseLong(u.group(1)), nanos);
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            // next form
        }
        try {
            return LocalDateTime.parse(value).atZone(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException e) {
            // next form
        }
        try {
            return LocalDate.parse(value).atStartOfDay(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidParameterException("cannot parse \"" + value + "\" as a time: seconds[.nanoseconds] since the epoch,"
                    + " RFC 3339, or a duration such as 10m");
        }
    }
}
