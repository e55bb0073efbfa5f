package app.dragnshare.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.RawHttp;
import app.dragnshare.server.testing.TestServer;
import app.dragnshare.server.relay.RelayTap;

/** Every response, errors included, carries the page's security headers (issue: the page). */
class SecurityHeadersTest {
    private static DragNShareServer server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of(), RelayTap.NONE);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void pagesFilesApiAndErrorsAllCarryThem() throws Exception {
        Map<String, Integer> expected = Map.of(
                "/", 200, "/s/c2Vzc2lvbi1pZC0wMDAwMDA", 200, "/js/crypto.js", 200, "/api/info", 200,
                "/nope", 404, "/js/nope.js", 404, "/api/nope", 404);
        for (var entry : expected.entrySet()) {
            HttpResponse<String> res = http.send(HttpRequest.newBuilder(url(entry.getKey()))
                    .header("Accept", "text/html,*/*").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(entry.getValue(), res.statusCode(), entry.getKey());
            assertSecure(entry.getKey(), res);
        }
        HttpResponse<String> badJson = http.send(HttpRequest.newBuilder(url("/api/sessions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"name\":")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(400, badJson.statusCode());
        assertSecure("a 400", badJson);
        assertEquals("no-store", badJson.headers().firstValue("Cache-Control").orElse(""), "an API error is not cached");
    }

    @Test
    void helidonsOwnRefusalsCarryJsonAndTheHeaders() throws Exception {
        int port = server.port();
        RawHttp.exchange(port, "POST /api/sessions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 70000\r\n\r\n{")
                .assertRefusal(413, "too-large", "a Content-Length over MAX_REQUEST_BYTES");
        RawHttp.exchange(port, "POST /api/sessions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n11170\r\n{\"name\":\"" + "x".repeat(70000))
                .assertRefusal(413, "too-large", "a chunk over MAX_REQUEST_BYTES");
        RawHttp.exchange(port, "GET /api/" + "a".repeat(70_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .assertRefusal(414, "uri-too-long", "an address too long");
        RawHttp.exchange(port, "GET /api/info HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(70_000) + "\r\n\r\n")
                .assertRefusal(400, "bad-request", "headers too large");
        RawHttp.exchange(port, "GET /api/info HTTP/1.1\r\nHost: localhost\r\nbad header\r\n\r\n")
                .assertRefusal(400, "bad-request", "a header line without a colon");
    }

    private static void assertSecure(String what, HttpResponse<String> res) {
        String csp = res.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(csp.contains("script-src 'self'"), what + ": CSP " + csp);
        assertFalse(csp.contains("unsafe-inline"), what + ": no inline script or style: " + csp);
        assertEquals("no-referrer", res.headers().firstValue("Referrer-Policy").orElse(""), what);
        assertEquals("nosniff", res.headers().firstValue("X-Content-Type-Options").orElse(""), what);
        assertEquals("DENY", res.headers().firstValue("X-Frame-Options").orElse(""), what);
    }

    private static URI url(String path) {
        return URI.create(TestServer.url(server) + path);
    }
}
