package app.dragnshare.server.http;

import java.io.ByteArrayInputStream;
import java.util.Base64;
import java.util.logging.Logger;

import io.helidon.http.HttpException;
import io.helidon.http.RequestException;
import io.helidon.http.Status;

import io.helidon.webserver.http.ServerRequest;

import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * Typed, validated access to a JSON request body or message: each getter names the member in
 * its error, so a malformed request gets a 400 that says exactly what is wrong.
 */
public record Bodies(JsonObject json) {
    private static final Logger LOG = Logger.getLogger(Bodies.class.getName());

    public static Bodies of(ServerRequest req) {
        if (!req.content().hasEntity()) {
            throw ApiException.badRequest("a JSON body is required");
        }
        JsonValue value;
        try {
            value = StrictJson.readValue(new ByteArrayInputStream(bytes(req)));
        } catch (JsonException e) {
            throw new ApiException(Status.BAD_REQUEST_400, "bad-json", "the request body breaks the JSON rules (" + StrictJson.RULES + ")");
        }
        if (!(value instanceof JsonObject object)) {
            throw ApiException.badRequest("the body must be a JSON object");
        }
        return new Bodies(object);
    }

    /**
     * The body as sent. Reading it can fail on the client's bytes inside Helidon (a chunk size that
     * is not hex, a body shorter than its Content-Length): that is a bad request, not a server error.
     */
    private static byte[] bytes(ServerRequest req) {
        try {
            return req.content().as(byte[].class);
        } catch (HttpException | RequestException e) {
            throw e; // Helidon's own refusals (413 too large) keep their status
        } catch (RuntimeException e) {
            LOG.fine(() -> "unreadable request body: " + e);
            throw ApiException.badRequest("the request body could not be read (a malformed chunk, or shorter than its Content-Length)");
        }
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
