package app.dragnshare.server.http;

import java.io.ByteArrayInputStream;
import java.util.Base64;

import io.helidon.http.Status;

import io.helidon.webserver.http.ServerRequest;

import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * Typed, validated access to a JSON request body or message: each getter names the member in
 * its error, so a malformed request gets a 400 that says exactly what is wrong.
 */
public record Bodies(JsonObject json) {

    public static Bodies of(ServerRequest req) {
        if (!req.content().hasEntity()) {
            throw ApiException.badRequest("a JSON body is required");
        }
        JsonValue value;
        try (JsonReader reader = StrictJson.reader(new ByteArrayInputStream(req.content().as(byte[].class)))) {
            value = reader.readValue();
        } catch (JsonException e) {
            throw new ApiException(Status.BAD_REQUEST_400, "bad-json", "the request body is not valid JSON (or names a member twice)");
        }
        if (!(value instanceof JsonObject object)) {
            throw ApiException.badRequest("the body must be a JSON object");
        }
        return new Bodies(object);
    }

    public String string(String name, int maxLength) {
        JsonValue value = json.get(name);
        if (!(value instanceof JsonString s)) {
            throw ApiException.badRequest("\"" + name + "\" must be a string");
        }
        String text = s.getString();
        if (text.length() > maxLength) {
            throw ApiException.badRequest("\"" + name + "\" is longer than " + maxLength + " characters");
        }
        return text;
    }

    public String optionalString(String name, int maxLength, String fallback) {
        JsonValue value = json.get(name);
        return value == null || value == JsonValue.NULL ? fallback : string(name, maxLength);
    }

    public long wholeNumber(String name, long min, long max) {
        JsonValue value = json.get(name);
        if (!(value instanceof JsonNumber n) || !n.isIntegral()) {
            throw ApiException.badRequest("\"" + name + "\" must be a whole number");
        }
        long v;
        try {
            v = n.longValueExact();
        } catch (ArithmeticException e) {
            throw ApiException.badRequest("\"" + name + "\" is out of range");
        }
        if (v < min || v > max) {
            throw ApiException.badRequest("\"" + name + "\" must be between " + min + " and " + max);
        }
        return v;
    }

    /** A base64url (no padding) member that decodes to exactly {@code length} bytes; returns the text as sent. */
    public String base64Url(String name, int length) {
        String text = string(name, 4 * length);
        if (!text.matches("[A-Za-z0-9_-]*")) {
            throw ApiException.badRequest("\"" + name + "\" must be base64url without padding");
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("\"" + name + "\" must be base64url without padding");
        }
        if (bytes.length != length) {
            throw ApiException.badRequest("\"" + name + "\" must decode to " + length + " bytes, not " + bytes.length);
        }
        return text;
    }
}
