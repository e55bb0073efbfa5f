package app.dragnshare.server.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.StringReader;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import jakarta.json.Json;
import jakarta.json.JsonObject;

/**
 * HTTP/1.1 over a plain socket, for requests no HTTP client would send: a chunk size that is not
 * hex, a body shorter than its Content-Length, headers cut off halfway, an address too long.
 */
public final class RawHttp {
    private RawHttp() {
    }

    /** The first response on the connection: status, headers (names in lower case), body. */
    public record Response(int status, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
        }

        /** A refusal as every API error looks: its status and code, a message, the security headers, no caching. */
        public void assertRefusal(int expectedStatus, String expectedError, String what) {
            String context = what + ": " + this;
            assertEquals(expectedStatus, status, context);
            assertEquals(expectedError, json().getString("error", ""), context);
            assertFalse(json().getString("message", "").isBlank(), context);
            assertTrue(header("Content-Security-Policy").contains("default-src 'self'"), context);
            assertEquals("nosniff", header("X-Content-Type-Options"), context);
            assertEquals("DENY", header("X-Frame-Options"), context);
            assertEquals("no-store", header("Cache-Control"), context);
        }

        /** The body as a JSON object (empty when it is not one). */
        public JsonObject json() {
            if (!body.startsWith("{")) {
                return Json.createObjectBuilder().build();
            }
            try (var reader = Json.createReader(new StringReader(body))) {
                return reader.readObject();
            }
        }
    }

    /** Sends {@code request} as is, then ends the sending half (as a client that stops there would). */
    public static Response exchange(int port, String request) throws Exception {
        return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    public static Response exchange(int port, byte[] request) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            try {
                socket.getOutputStream().write(request);
                socket.shutdownOutput();
            } catch (java.io.IOException refusedMidway) {
                // the server may answer and close before it has read everything (e.g. 413, 414)
            }
            return parse(readAll(socket.getInputStream()));
        }
    }

    private static byte[] readAll(InputStream in) throws Exception {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) != -1; ) {
                all.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            // what came until then is the answer
        }
        return all.toByteArray();
    }

    private static Response parse(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new AssertionError("no complete HTTP response: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new TreeMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        int bodyStart = end + 4;
        int length = Integer.parseInt(headers.getOrDefault("content-length", String.valueOf(bytes.length - bodyStart)));
        String body = new String(bytes, bodyStart, Math.min(length, bytes.length - bodyStart), StandardCharsets.UTF_8);
        return new Response(status, headers, body);
    }
}
