package app.dragnshare.server.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Http;
import app.dragnshare.server.testing.Fuzz;
import app.dragnshare.server.testing.TestServer;
import app.dragnshare.server.transfer.RelayTap;

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

    private static void assertCleanRefusalOrSuccess(Http.Reply reply, String input) {
        String context = " for " + Fuzz.show(input);
        assertTrue(reply.status() < 500, "status " + reply.status() + ": " + reply.body() + context);
        if (reply.status() >= 400 && reply.status() != 413) {
            assertFalse(reply.json().getString("error", "").isEmpty(), "a JSON error: " + reply.body() + context);
            assertFalse(reply.json().getString("message", "").isEmpty(), "a message: " + reply.body() + context);
        }
        assertFalse(reply.body().contains("Exception") || reply.body().contains("\tat "), "no stack trace: " + reply.body() + context);
    }
}
