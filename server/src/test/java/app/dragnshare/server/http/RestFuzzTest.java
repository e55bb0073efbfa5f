package app.dragnshare.server.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Http;
import app.dragnshare.server.testing.JsonFuzz;
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

    @BeforeContainer
    static void start() throws Exception {
        server = TestServer.start(Map.of("JOIN_ATTEMPTS_PER_WINDOW", "1000000"), RelayTap.NONE);
        http = new Http(TestServer.url(server));
        JsonObject created = http.post("/api/sessions", null, "{}").json();
        sessionId = created.getString("sessionId");
        token = created.getString("token");
        fileId = http.post("/api/sessions/" + sessionId + "/files", token, "{\"name\":\"a\",\"size\":1}").json().getString("id");
    }

    @AfterContainer
    static void stop() {
        server.close();
    }

    @Property(tries = 250)
    void joinBodies(@ForAll("joinBodies") String body) throws Exception {
        assertCleanRefusalOrSuccess(http.post("/api/sessions/" + sessionId + "/join", null, body));
    }

    @Property(tries = 250)
    void fileBodies(@ForAll("fileBodies") String body) throws Exception {
        assertCleanRefusalOrSuccess(http.post("/api/sessions/" + sessionId + "/files", token, body));
    }

    @Property(tries = 250)
    void transferBodies(@ForAll("transferBodies") String body) throws Exception {
        // the owner has no socket, so even a well-formed request ends in 409 owner-offline, never in a stream
        assertCleanRefusalOrSuccess(http.post("/api/sessions/" + sessionId + "/files/" + fileId + "/transfers", token, body));
    }

    @Property(tries = 150)
    void renameBodiesAndPathsAndTokens(@ForAll("fileBodies") String body, @ForAll("segments") String segment) throws Exception {
        assertCleanRefusalOrSuccess(http.patch("/api/sessions/" + sessionId, token, body));
        assertCleanRefusalOrSuccess(http.get("/api/sessions/" + segment, token));
        assertCleanRefusalOrSuccess(http.get("/api/sessions/" + sessionId, segment));
    }

    private static void assertCleanRefusalOrSuccess(Http.Reply reply) {
        assertTrue(reply.status() < 500, "status " + reply.status() + ": " + reply.body());
        if (reply.status() >= 400 && reply.status() != 413) {
            assertFalse(reply.json().getString("error", "").isEmpty(), "a JSON error: " + reply.body());
            assertFalse(reply.json().getString("message", "").isEmpty(), "a message: " + reply.body());
        }
        assertFalse(reply.body().contains("Exception") || reply.body().contains("\tat "), "no stack trace: " + reply.body());
    }

    @Provide
    Arbitrary<String> joinBodies() {
        return JsonFuzz.bodies(List.of("joinCode"));
    }

    @Provide
    Arbitrary<String> fileBodies() {
        return JsonFuzz.bodies(List.of("name", "size", "type"));
    }

    @Provide
    Arbitrary<String> transferBodies() {
        return JsonFuzz.bodies(List.of("transferId", "publicKey", "hmac"));
    }

    @Provide
    Arbitrary<String> segments() {
        return net.jqwik.api.Arbitraries.strings().withChars("abcAZ09-_.~").ofMinLength(1).ofMaxLength(40);
    }
}
