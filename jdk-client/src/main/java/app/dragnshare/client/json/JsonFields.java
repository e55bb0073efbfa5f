package app.dragnshare.client.json;

import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Typed access to the members of a parsed JSON object, each failing with a message that names
 * the member, so a malformed message from the network becomes one clear error.
 */
public record JsonFields(Map<String, Object> map) {

    public static JsonFields parse(String text) throws JsonException {
        return new JsonFields(Json.parseObject(text));
    }

    public boolean has(String name) {
        return map.get(name) != null;
    }

    public String string(String name) throws JsonException {
        if (map.get(name) instanceof String s) {
            return s;
        }
        throw missing(name, "a string");
    }

    public String string(String name, String fallback) throws JsonException {
        return has(name) ? string(name) : fallback;
    }

    public long number(String name) throws JsonException {
        if (map.get(name) instanceof Long n) {
            return n;
        }
        throw missing(name, "an integer");
    }

    public long number(String name, long fallback) throws JsonException {
        return has(name) ? number(name) : fallback;
    }

    public boolean bool(String name) throws JsonException {
        if (map.get(name) instanceof Boolean b) {
            return b;
        }
        throw missing(name, "true or false");
    }

    public byte[] base64Url(String name) throws JsonException {
        try {
            return Base64.getUrlDecoder().decode(string(name));
        } catch (IllegalArgumentException e) {
            throw new JsonException("\"" + name + "\" is not base64url");
        }
    }

    @SuppressWarnings("unchecked")
    public List<JsonFields> objects(String name) throws JsonException {
        if (map.get(name) instanceof List<?> list) {
            java.util.ArrayList<JsonFields> out = new java.util.ArrayList<>();
            for (Object item : list) {
                if (!(item instanceof Map<?, ?> m)) {
                    throw new JsonException("\"" + name + "\" must hold objects");
                }
                out.add(new JsonFields((Map<String, Object>) m));
            }
            return out;
        }
        throw missing(name, "an array");
    }

    private static JsonException missing(String name, String what) {
        return new JsonException("\"" + name + "\" must be " + what);
    }
}
