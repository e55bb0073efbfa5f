package app.dragnshare.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.logging.Level;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Http;
import app.dragnshare.server.testing.Fuzz;
import app.dragnshare.server.testing.LogCapture;
import app.dragnshare.server.testing.RawHttp;
import app.dragnshare.server.testing.TestServer;
import app.dragnshare.server.relay.RelayTap;

import jakarta.json.JsonObject;

/**
 * Whatever a client sends to the REST endpoints, the answer is a status a client can act on and
 * a JSON error: never a 500, never a stack trace, and the server keeps serving.
 */
class RestFuzzTest {
    private static DragNShareServer server;
    private static Http http;
    private static String sessionId;
    private static String token;
    private static String fileId;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(Map.of("JOIN_ATTEMPTS_PER_WINDOW", "1000000"), RelayTap.NONE);
        http = new Http(TestServer.url(server));
        JsonObject created = http.post("/api/sessions", null, "{}").json();
        sessionId = created.getString("sessionId");
        token = created.getString("token");
        fileId = http.post("/api/sessions/" + sessionId + "/files", token, "{\"name\":\"a\",\"size\":1}").json().getString("id");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static final List<String> FILE_NAMES = List.of("name", "size", "type");

    @Test
    void joinBodies() throws Exception {
        Random r = Fuzz.random("rest-join");
        for (int i = 0; i < 250; i++) {
            String body = Fuzz.body(r, List.of("joinCode"));
            assertCleanRefusalOrSuccess(http.post("/api/sessions/" + sessionId + "/join", null, body), body);
        }
    }

    @Test
    void fileBodies() throws Exception {
        Random r = Fuzz.random("rest-files");
        for (int i = 0; i < 250; i++) {
            String body = Fuzz.body(r, FILE_NAMES);
            assertCleanRefusalOrSuccess(http.post("/api/sessions/" + sessionId + "/files", token, body), body);
        }
    }

    @Test
    void transferBodies() throws Exception {
        // the owner has no socket, so even a well-formed request ends in 409 owner-offline, never in a stream
        Random r = Fuzz.random("rest-transfers");
        for (int i = 0; i < 250; i++) {
            String body = Fuzz.body(r, List.of("transferId", "publicKey", "hmac"));
            assertCleanRefusalOrSuccess(http.post("/api/sessions/" + sessionId + "/files/" + fileId + "/transfers", token, body), body);
        }
    }

    @Test
    void createBodiesNeverLeaveAnUnprintableName() throws Exception {
        Random r = Fuzz.random("rest-create");
        for (int i = 0; i < 250; i++) {
            String body = r.nextBoolean() ? Fuzz.body(r, List.of("name")) : "{\"name\":" + Fuzz.quote(Fuzz.text(r, 90)) + "}";
            Http.Reply reply = http.post("/api/sessions", null, body);
            assertCleanRefusalOrSuccess(reply, body);
            if (reply.status() == 201) {
                assertPrintable(reply.json().getString("name"), body);
            }
        }
    }

    @Test
    void renameBodiesAndPathsAndTokens() throws Exception {
        Random r = Fuzz.random("rest-rename-paths-tokens");
        for (int i = 0; i < 150; i++) {
            String body = Fuzz.body(r, FILE_NAMES);
            String segment = Fuzz.text(r, "abcAZ09-_.~", 1, 40);
            Http.Reply renamed = http.patch("/api/sessions/" + sessionId, token, body);
            assertCleanRefusalOrSuccess(renamed, body);
            if (renamed.status() == 200) {
                assertPrintable(renamed.json().getString("name"), body);
            }
            assertCleanRefusalOrSuccess(http.get("/api/sessions/" + segment, token), segment);
            assertCleanRefusalOrSuccess(http.get("/api/sessions/" + sessionId, segment), segment);
        }
    }

    /** No control, text-direction or lone surrogate character: what clients print and show is safe (PROTOCOL.md §5.1). */
    private static void assertPrintable(String name, String input) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean paired = Character.isSurrogate(c) && i + 1 < name.length()
                    && Character.isHighSurrogate(c) && Character.isLowSurrogate(name.charAt(i + 1));
            boolean bad = c < 0x20 || (c >= 0x7f && c < 0xa0) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
                    || c == 0x200e || c == 0x200f || (Character.isSurrogate(c) && !paired);
            assertFalse(bad, "the name " + Fuzz.show(name) + " was accepted for " + Fuzz.show(input));
            i += paired ? 1 : 0;
        }
    }

    /** Past Parsson's own limits (1,000 levels, 1,100 digits) and past ours (32, 100): all are the client's JSON. */
    private static final List<String> HOSTILE_JSON = List.of(
            "[".repeat(1_100) + "]".repeat(1_100),
            "{\"name\":" + "[".repeat(1_100) + "]".repeat(1_100) + "}",
            "{\"name\":" + "{\"a\":".repeat(40) + "1" + "}".repeat(40) + "}",
            "{\"name\":" + "1".repeat(1_200) + "}",
            "{\"name\":\"x\",\"size\":1" + "0".repeat(150) + "}",
            "{\"size\":-0." + "9".repeat(5_000) + "e-99999}");

    @Test
    void jsonNestedTooDeepOrWithNumbersTooLongIsABadRequestNotAServerError() throws Exception {
        for (String json : HOSTILE_JSON) {
            for (String path : List.of("/api/sessions", "/api/sessions/" + sessionId + "/join",
                    "/api/sessions/" + sessionId + "/files")) {
                try (LogCapture log = LogCapture.start()) {
                    RawHttp.Response reply = RawHttp.exchange(server.port(), post(path, token, "application/json", json));
                    reply.assertRefusal(400, "bad-json", path + " with " + Fuzz.show(json));
                    assertEquals(List.of(), log.warnings(), "nothing to log for a client's bad JSON");
                }
            }
        }
    }

    @Test
    void aBodyThatCannotBeReadIsABadRequestNotAServerError() throws Exception {
        String head = "POST /api/sessions/" + sessionId + "/files HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                + token + "\r\nContent-Type: application/json\r\n";
        Map<String, String> bodies = Map.of(
                "a chunk size that is not hex", head + "Transfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n",
                "a chunk cut short", head + "Transfer-Encoding: chunked\r\n\r\n100\r\n{\"name\":",
                "a body shorter than its Content-Length", head + "Content-Length: 40\r\n\r\n{\"name\":\"a\"");
        for (var body : bodies.entrySet()) {
            try (LogCapture log = LogCapture.start()) {
                RawHttp.exchange(server.port(), body.getValue()).assertRefusal(400, "bad-request", body.getKey());
                assertEquals(List.of(), log.warnings(), body.getKey());
            }
        }
    }

    @Test
    void aRequestAbortedInItsHeadersLogsOneQuietLine() throws Exception {
        try (LogCapture log = LogCapture.start(AbortedRequests.class.getName())) {
            RawHttp.exchange(server.port(), "POST /api/sessions HTTP/1.1\r\nHost: localhost\r\nContent-Ty");
            long deadline = System.currentTimeMillis() + 5_000;
            while (log.lines(AbortedRequests.class.getName(), Level.FINE).isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(20); // the server logs after it has answered
            }
            assertEquals(1, log.lines(AbortedRequests.class.getName(), Level.FINE).size(), "one FINE line");
            assertEquals(List.of(), log.warnings(), "no warning and no stack trace");
        }
    }

    private static String post(String path, String bearer, String type, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return "POST " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + bearer + "\r\nContent-Type: "
                + type + "\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n" + body;
    }

    private static void assertCleanRefusalOrSuccess(Http.Reply reply, String input) {
        String context = " for " + Fuzz.show(input);
        assertTrue(reply.status() < 500, "status " + reply.status() + ": " + reply.body() + context);
        if (reply.status() >= 400) { // 413 too: Helidon's own refusals carry JSON as well
            assertFalse(reply.json().getString("error", "").isEmpty(), "a JSON error: " + reply.body() + context);
            assertFalse(reply.json().getString("message", "").isEmpty(), "a message: " + reply.body() + context);
        }
        assertFalse(reply.body().contains("Exception") || reply.body().contains("\tat "), "no stack trace: " + reply.body() + context);
    }
}
