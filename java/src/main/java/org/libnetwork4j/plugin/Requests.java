package org.libnetwork4j.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.IpPrefix;

/** Fields of a plugin request, read with a typed error that names the missing or bad one. */
final class Requests {
    private Requests() {
    }

    /** A string field that must be there and not empty. */
    static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull() || !v.isTextual() || v.asText().isEmpty()) {
            throw new InvalidParameterException(field + ": missing, or not a string");
        }
        return v.asText();
    }

    /** The first 12 digits of a Docker id: 12 to 64 lower-case hex digits. */
    static String shortId(String id, String field) {
        if (id.length() < 12 || id.length() > 64 || !id.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
            throw new InvalidParameterException(field + ": \"" + id + "\" is not a Docker id (12 to 64 hex digits)");
        }
        return id.substring(0, 12);
    }

    /** A field holding a CIDR ("10.0.0.0/24", or an address with its prefix length). */
    static IpPrefix prefix(JsonNode body, String field) {
        return prefix(text(body, field), field);
    }

    static IpPrefix prefix(String cidr, String field) {
        try {
            return IpPrefix.parse(cidr);
        } catch (InvalidParameterException e) {
            throw new InvalidParameterException(field + ": " + e.getMessage());
        }
    }

    /** A port number field, 1-65535. */
    static int port(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.canConvertToInt() || v.asInt() < 1 || v.asInt() > 65535) {
            throw new InvalidParameterException(field + ": missing, or not a port number (1-65535)");
        }
        return v.asInt();
    }
}
