package org.libnetwork4j.api;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Request bodies read as dockerd's Go decoder reads them: field names matched without regard
 * to case, unknown fields ignored, null as absent, and a value of the wrong JSON type a 400
 * naming the field (Go's "cannot unmarshal" message), never coerced.
 */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private Json() {
    }

    /** The body as a JSON object; empty, malformed or not an object is a 400. */
    static JsonNode object(byte[] body, String struct) {
        if (body.length == 0) {
            throw ApiError.badRequest("got EOF while reading request body");
        }
        JsonNode n;
        try {
            n = MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiError.badRequest("invalid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiError.badRequest("cannot read the body: " + e.getMessage());
        }
        if (n == null || n.isMissingNode()) {
            throw ApiError.badRequest("got EOF while reading request body");
        }
        if (!n.isObject()) {
            throw mismatch(n, struct, null, "object");
        }
        return n;
    }

    /** A field, its name in any case; null if absent or JSON null. */
    static JsonNode field(JsonNode obj, String name) {
        JsonNode exact = obj.get(name);
        if (exact != null) {
            return exact.isNull() ? null : exact;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue().isNull() ? null : e.getValue();
            }
        }
        return null;
    }

    static String string(JsonNode obj, String struct, String name) {
        JsonNode v = field(obj, name);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            throw mismatch(v, struct, name, "string");
        }
        return v.textValue();
    }

    static boolean bool(JsonNode obj, String struct, String name) {
        JsonNode v = field(obj, name);
        if (v == null) {
            return false;
        }
        if (!v.isBoolean()) {
            throw mismatch(v, struct, name, "bool");
        }
        return v.booleanValue();
    }

    /** A nested object, or null. */
    static JsonNode object(JsonNode obj, String struct, String name) {
        JsonNode v = field(obj, name);
        if (v != null && !v.isObject()) {
            throw mismatch(v, struct, name, "object");
        }
        return v;
    }

    /** A map of strings; empty if absent. */
    static Map<String, String> stringMap(JsonNode obj, String struct, String name) {
        JsonNode v = object(obj, struct, name);
        Map<String, String> m = new LinkedHashMap<>();
        if (v != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!e.getValue().isTextual()) {
                    throw mismatch(e.getValue(), struct, name, "map[string]string");
                }
                m.put(e.getKey(), e.getValue().textValue());
            }
        }
        return m;
    }

    /** A list of strings; empty if absent. */
    static List<String> stringList(JsonNode obj, String struct, String name) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : array(obj, struct, name)) {
            if (!e.isTextual()) {
                throw mismatch(e, struct, name, "[]string");
            }
            out.add(e.textValue());
        }
        return out;
    }

    /** A list's elements; empty if absent. */
    static List<JsonNode> array(JsonNode obj, String struct, String name) {
        JsonNode v = field(obj, name);
        List<JsonNode> out = new ArrayList<>();
        if (v == null) {
            return out;
        }
        if (!v.isArray()) {
            throw mismatch(v, struct, name, "array");
        }
        v.forEach(out::add);
        return out;
    }

    private static ApiError mismatch(JsonNode v, String struct, String field, String type) {
        String kind = v.isTextual() ? "string" : v.isNumber() ? "number" : v.isBoolean() ? "bool"
                : v.isArray() ? "array" : v.isObject() ? "object" : "null";
        return ApiError.badRequest("json: cannot unmarshal " + kind + " into Go "
                + (field == null ? "value of type " + struct : "struct field " + struct + "." + field + " of type " + type));
    }
}
