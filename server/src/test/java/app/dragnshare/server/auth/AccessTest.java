package app.dragnshare.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.http.Ids;
import app.dragnshare.server.testing.Http;
import app.dragnshare.server.testing.TestServer;

/** Nobody gets in who does not belong: every way a token or join code can be wrong, refused with the right status. */
class AccessTest {
    private static DragNShareServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("AUTH_TIMEOUT", "1s", "JOIN_ATTEMPTS_PER_WINDOW", "5"),
                app.dragnshare.server.relay.RelayTap.NONE);
        http = new Http(TestServer.url(server));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Http.Reply create() throws Exception {
        Http.Reply created = http.post("/api/sessions", null, "{}");
        assertEquals(201, created.status(), created.body());
        return created;
    }

    @Test
    void wrongJoinCodeIsRefusedAndThenRateLimited() throws Exception {
        String sessionId = create().json().getString("sessionId");
        for (int i = 0; i < 5; i++) {
            Http.Reply wrong = http.post("/api/sessions/" + sessionId + "/join", null, "{\"joinCode\":\"WRONGWRONG12\"}");
            assertEquals(403, wrong.status());
            assertEquals("invalid-invite", wrong.error());
        }
        Http.Reply limited = http.post("/api/sessions/" + sessionId + "/join", null, "{\"joinCode\":\"WRONGWRONG12\"}");
        assertEquals(429, limited.status(), limited.body());
        assertEquals("rate-limited", limited.error());
    }

    /**
     * A wrong code, a session that does not exist (expired, or a mistyped id) and a session its host
     * ended each get their own answer; every one of them counts as a failed join, so an address
     * learns no more than the limit allows.
     */
    @Test
    void aRefusedJoinSaysWhetherTheCodeIsWrongTheSessionUnknownOrEnded() throws Exception {
        Http.Reply live = create();
        String liveId = live.json().getString("sessionId");
        Http.Reply wrong = http.post("/api/sessions/" + liveId + "/join", null, "{\"joinCode\":\"WRONGWRONG12\"}");
        assertEquals(403, wrong.status(), wrong.body());
        assertEquals("invalid-invite", wrong.error());
        assertTrue(wrong.json().getString("message").contains("join code in this invite is wrong"), wrong.body());

        Http.Reply unknown = http.post("/api/sessions/" + Ids.random() + "/join", null, "{\"joinCode\":\"ABCDEFGHJKMN\"}");
        assertEquals(404, unknown.status(), unknown.body());
        assertEquals("session-not-found", unknown.error());
        assertTrue(unknown.json().getString("message").contains("expired"), unknown.body());

        Http.Reply ending = create();
        String endedId = ending.json().getString("sessionId");
        String code = ending.json().getString("joinCode");
        assertEquals(204, http.delete("/api/sessions/" + endedId, ending.json().getString("token")).status());
        String rightCode = "{\"joinCode\":\"" + code + "\"}";
        Http.Reply ended = http.post("/api/sessions/" + endedId + "/join", null, rightCode);
        assertEquals(410, ended.status(), ended.body());
        assertEquals("session-ended", ended.error());
        assertTrue(ended.json().getString("message").contains("the host ended this session"), ended.body());
        assertEquals("session-ended", http.get("/api/sessions/" + endedId, ending.json().getString("token")).error(),
                "a member hears the same");
        for (int i = 1; i < 5; i++) { // JOIN_ATTEMPTS_PER_WINDOW is 5: an ended session's answers count too
            assertEquals(410, http.post("/api/sessions/" + endedId + "/join", null, rightCode).status());
        }
        assertEquals(429, http.post("/api/sessions/" + endedId + "/join", null, rightCode).status(),
                "past the limit nothing more is learnt");
    }

    /** A session nobody used for SESSION_IDLE_TTL is gone; its members hear that it expired, not that it was ended. */
    @Test
    void anExpiredSessionIsToldApartFromAnEndedOne() throws Exception {
        try (DragNShareServer shortLived = TestServer.start(Map.of("SESSION_IDLE_TTL", "1s"),
                app.dragnshare.server.relay.RelayTap.NONE)) {
            Http client = new Http(TestServer.url(shortLived));
            Http.Reply created = client.post("/api/sessions", null, "{}");
            Thread.sleep(1500);
            Http.Reply expired = client.get("/api/sessions/" + created.json().getString("sessionId"),
                    created.json().getString("token"));
            assertEquals(410, expired.status(), expired.body());
            assertEquals("session-expired", expired.error());
            assertTrue(expired.json().getString("message").contains("nobody used it for 1 second"), expired.body());
        }
    }

    @Test
    void sessionCreationIsRateLimitedPerClientAddressBehindAProxy() throws Exception {
        try (DragNShareServer proxied = TestServer.start(Map.of("SESSIONS_PER_WINDOW", "3", "TRUST_FORWARDED_FOR", "true"),
                app.dragnshare.server.relay.RelayTap.NONE)) {
            Http viaProxy = new Http(TestServer.url(proxied));
            String client = "203.0.113." + (1 + new java.util.Random().nextInt(250));
            // the proxy appends the address it saw; a client cannot choose what counts by adding its own
            Map<String, String> forwarded = Map.of("X-Forwarded-For", "198.51.100.7, " + client);
            for (int i = 0; i < 3; i++) {
                assertEquals(201, viaProxy.post("/api/sessions", null, "{}", forwarded).status());
            }
            Http.Reply limited = viaProxy.post("/api/sessions", null, "{}", forwarded);
            assertEquals(429, limited.status(), limited.body());
            assertEquals("rate-limited", limited.error());
            assertEquals(201, viaProxy.post("/api/sessions", null, "{}",
                    Map.of("X-Forwarded-For", client + ", 192.0.2.44")).status(), "another client is not limited");
        }
    }

    @Test
    void rotatedJoinCodeStopsOldInvites() throws Exception {
        Http.Reply created = create();
        String sessionId = created.json().getString("sessionId");
        String oldCode = created.json().getString("joinCode");
        Http.Reply rotated = http.post("/api/sessions/" + sessionId + "/join-code", created.json().getString("token"), "");
        assertEquals(200, rotated.status(), rotated.body());
        assertEquals(403, http.post("/api/sessions/" + sessionId + "/join", null, "{\"joinCode\":\"" + oldCode + "\"}").status());
        assertEquals(201, http.post("/api/sessions/" + sessionId + "/join", null,
                "{\"joinCode\":\"" + rotated.json().getString("joinCode").toLowerCase() + "\"}").status(),
                "codes are case-insensitive");
    }

    @Test
    void tokensAreBoundToTheirSessionAndRole() throws Exception {
        Http.Reply one = create();
        Http.Reply two = create();
        String sessionOne = one.json().getString("sessionId");
        Http.Reply foreign = http.get("/api/sessions/" + sessionOne, two.json().getString("token"));
        assertEquals(403, foreign.status(), "another session's token");

        Http.Reply joined = http.post("/api/sessions/" + sessionOne + "/join", null,
                "{\"joinCode\":\"" + one.json().getString("joinCode") + "\"}");
        String guest = joined.json().getString("token");
        assertEquals(200, http.get("/api/sessions/" + sessionOne, guest).status());
        assertFalse(http.get("/api/sessions/" + sessionOne, guest).json().containsKey("joinCode"), "only the host sees the code");
        assertEquals("host-only", http.patch("/api/sessions/" + sessionOne, guest, "{\"name\":\"x\"}").error());
        assertEquals(403, http.post("/api/sessions/" + sessionOne + "/join-code", guest, "").status());
        assertEquals(403, http.delete("/api/sessions/" + sessionOne, guest).status());
    }

    @Test
    void missingGarbageForgedExpiredAndUnsignedTokensAreRefused() throws Exception {
        Http.Reply created = create();
        String sessionId = created.json().getString("sessionId");
        String path = "/api/sessions/" + sessionId;
        Member host = new Member(sessionId, created.json().getString("memberId"), Role.HOST);

        assertEquals(401, http.get(path, null).status(), "missing");
        assertEquals(401, http.get(path, "garbage").status(), "garbage");
        String forged = new Tokens("another-key-another-key-another-key!".getBytes(), Duration.ofHours(1), Clock.systemUTC())
                .issue(host);
        assertEquals(401, http.get(path, forged).status(), "wrong signature");
        Clock yesterday = Clock.fixed(Instant.now().minus(Duration.ofDays(1)), ZoneOffset.UTC);
        String expired = new Tokens(TestServer.JWT_KEY.getBytes(), Duration.ofHours(1), yesterday).issue(host);
        Http.Reply expiredReply = http.get(path, expired);
        assertEquals(401, expiredReply.status(), "expired");
        assertTrue(expiredReply.json().getString("message").contains("expired"), expiredReply.body());
        assertEquals(401, http.get(path, unsigned(created.json().getString("token"))).status(), "alg none");
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        String wrongTypes = b64.encodeToString("{\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString("{\"sub\":5,\"role\":\"\",\"exp\":\"soon\"}".getBytes(StandardCharsets.UTF_8)) + ".";
        Http.Reply wrongTypesReply = http.get(path, wrongTypes);
        assertEquals(401, wrongTypesReply.status(), "claims of the wrong JSON type (found by fuzzing: was a 500) "
                + wrongTypesReply.body());
        assertEquals(200, http.get(path, created.json().getString("token")).status(), "the real token still works");
    }

    @Test
    void socketMustAuthenticateQuickly() throws Exception {
        assertEquals(4401, closeCodeAfter(null), "no auth message within AUTH_TIMEOUT");
        assertEquals(4401, closeCodeAfter("{\"type\":\"auth\",\"token\":\"garbage\"}"));
        assertEquals(4401, closeCodeAfter("{\"type\":\"offer\"}"), "anything but auth first");
    }

    /** The same claims with {"alg":"none"} and no signature. */
    private static String unsigned(String token) {
        String[] parts = token.split("\\.");
        String header = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        return header + "." + parts[1] + ".";
    }

    private static int closeCodeAfter(String firstMessage) throws Exception {
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(java.net.URI.create("ws://127.0.0.1:" + server.port() + "/api/socket"), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closed.complete(statusCode);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        closed.completeExceptionally(error);
                    }
                }).get(5, TimeUnit.SECONDS);
        if (firstMessage != null) {
            socket.sendText(firstMessage, true).get(5, TimeUnit.SECONDS);
        }
        return closed.get(10, TimeUnit.SECONDS);
    }
}
