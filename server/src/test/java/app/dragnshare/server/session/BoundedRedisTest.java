package app.dragnshare.server.session;

import static app.dragnshare.server.testing.RedisKeys.assertEventually;
import static app.dragnshare.server.testing.RedisKeys.keys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Http;
import app.dragnshare.server.testing.RawSocket;
import app.dragnshare.server.testing.TestRedis;
import app.dragnshare.server.testing.TestServer;
import app.dragnshare.server.relay.RelayTap;

import jakarta.json.JsonObject;

import redis.clients.jedis.UnifiedJedis;

/** What outsiders and members can make the server keep in Redis stays bounded, however often they try. */
class BoundedRedisTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void failedJoinsOnSessionsThatDoNotExistKeepOneKeyPerAddress() throws Exception {
        try (DragNShareServer server = TestServer.start(Map.of("TRUST_FORWARDED_FOR", "true"), RelayTap.NONE)) {
            Http http = new Http(TestServer.url(server));
            String address = "198.18." + RANDOM.nextInt(256) + "." + RANDOM.nextInt(256);
            Map<String, String> from = Map.of("X-Forwarded-For", address);
            int refused = 0;
            for (int i = 0; i < 200; i++) {
                Http.Reply reply = http.post("/api/sessions/" + randomId() + "/join", null, "{\"joinCode\":\"WRONGWRONG12\"}", from);
                assertTrue(reply.status() == 404 || reply.status() == 429, reply.body());
                refused += reply.status() == 429 ? 1 : 0;
            }
            List<String> kept = keys("*" + address + "*");
            assertEquals(1, kept.size(), "one record for the address, not one per session tried: " + kept.size() + " keys");
            assertTrue(TestRedis.client().hlen(kept.getFirst()) <= 50, "the record holds at most JOIN_SESSIONS_PER_WINDOW sessions");
            assertEquals(150, refused, "after 50 sessions (JOIN_SESSIONS_PER_WINDOW) the address is refused");

            // guessing stays shut for a real session too, from that address; others join as before
            JsonObject created = http.post("/api/sessions", null, "{}").json();
            String join = "/api/sessions/" + created.getString("sessionId") + "/join";
            String body = "{\"joinCode\":\"" + created.getString("joinCode") + "\"}";
            Http.Reply limited = http.post(join, null, body, from);
            assertEquals(429, limited.status(), limited.body());
            assertTrue(limited.json().getString("message").contains("try again"), limited.body());
            assertEquals(201, http.post(join, null, body, Map.of("X-Forwarded-For", "198.19.0.1")).status());
        }
    }

    @Test
    void addressesOfOneIpv6SubnetAreCountedAsOne() throws Exception {
        try (DragNShareServer server = TestServer.start(Map.of("TRUST_FORWARDED_FOR", "true"), RelayTap.NONE)) {
            Http http = new Http(TestServer.url(server));
            String subnet = String.format("2001:db8:%x:%x", RANDOM.nextInt(0x10000), RANDOM.nextInt(0x10000));
            int refused = 0;
            for (int i = 0; i < 60; i++) { // a client that holds a /64 uses a new address for every try
                String address = subnet + String.format(":%x:%x:%x:%x", RANDOM.nextInt(0x10000), RANDOM.nextInt(0x10000),
                        RANDOM.nextInt(0x10000), RANDOM.nextInt(0x10000));
                Http.Reply reply = http.post("/api/sessions/" + randomId() + "/join", null, "{\"joinCode\":\"WRONGWRONG12\"}",
                        Map.of("X-Forwarded-For", address));
                refused += reply.status() == 429 ? 1 : 0;
            }
            assertEquals(10, refused, "the subnet is limited as one client after 50 sessions");
            String[] groups = subnet.split(":");
            String counted = String.format("%04x:%04x:%04x:%04x::/64", Integer.parseInt(groups[0], 16),
                    Integer.parseInt(groups[1], 16), Integer.parseInt(groups[2], 16), Integer.parseInt(groups[3], 16));
            assertEquals(List.of("dns:rate:{" + counted + "}:join-failures"), keys("dns:rate:{" + counted + "}*"));
            assertEquals(404, http.post("/api/sessions/" + randomId() + "/join", null, "{\"joinCode\":\"WRONGWRONG12\"}",
                    Map.of("X-Forwarded-For", "2001:db8:ffff:ffff::1")).status(), "another /64 is not limited");
        }
    }

    @Test
    void aHostTogglingAFileLeavesAnOfflineMembersInboxSmallAndLetsItExpire() throws Exception {
        try (DragNShareServer server = TestServer.start()) {
            Http http = new Http(TestServer.url(server));
            JsonObject created = http.post("/api/sessions", null, "{}").json();
            String id = created.getString("sessionId");
            String host = created.getString("token");
            String guestId = http.post("/api/sessions/" + id + "/join", null,
                    "{\"joinCode\":\"" + created.getString("joinCode") + "\"}").json().getString("memberId");
            String inbox = "dns:s:{" + id + "}:inbox:" + guestId;
            UnifiedJedis redis = TestRedis.client();

            toggleFile(http, id, host);
            long ttlBefore = redis.pttl(inbox);
            assertTrue(ttlBefore > 0, "the offline guest's inbox exists and expires: " + ttlBefore);
            Thread.sleep(1_100);
            for (int i = 0; i < 1_000; i++) {
                toggleFile(http, id, host);
            }
            List<String> waiting = redis.lrange(inbox, 0, -1);
            assertTrue(waiting.size() <= 2, "at most one of each event waits (members-changed, files-changed), not "
                    + waiting.size() + " entries");
            assertEquals(1, waiting.stream().filter(m -> m.contains("files-changed")).count(), "files-changed waits once");
            long ttlAfter = redis.pttl(inbox);
            assertTrue(ttlAfter > 0 && ttlAfter <= ttlBefore - 1_000,
                    "events do not renew an absent member's inbox: " + ttlBefore + " ms, then " + ttlAfter + " ms");
        }
    }

    @Test
    void anOnlineMemberStillHearsOfChanges() throws Exception {
        try (DragNShareServer server = TestServer.start()) {
            Http http = new Http(TestServer.url(server));
            JsonObject created = http.post("/api/sessions", null, "{}").json();
            String id = created.getString("sessionId");
            String host = created.getString("token");
            String guest = http.post("/api/sessions/" + id + "/join", null,
                    "{\"joinCode\":\"" + created.getString("joinCode") + "\"}").json().getString("token");
            try (RawSocket socket = RawSocket.authenticated(server.port(), guest)) {
                for (int round = 0; round < 3; round++) {
                    for (int i = 0; i < 50; i++) {
                        toggleFile(http, id, host);
                    }
                    assertTrue(socket.awaitType("files-changed"), "round " + round + ": the page is told to refresh");
                }
                http.patch("/api/sessions/" + id, host, "{\"name\":\"Renamed\"}");
                assertTrue(socket.awaitType("session-changed"));
            }
        }
    }

    @Test
    void aRequestBeyondTheInboxCapIsRefusedWithAClearError() throws Exception {
        try (DragNShareServer server = TestServer.start(Map.of("MAX_WAITING_REQUESTS", "2", "MAX_TRANSFERS_PER_SENDER", "1",
                "OFFER_TIMEOUT", "60s"), RelayTap.NONE)) { // the sharer never answers; nothing may time out meanwhile
            Http http = new Http(TestServer.url(server));
            JsonObject created = http.post("/api/sessions", null, "{}").json();
            String id = created.getString("sessionId");
            String host = created.getString("token");
            String fileId = http.post("/api/sessions/" + id + "/files", host, "{\"name\":\"f.bin\",\"size\":10}").json().getString("id");
            String guest = http.post("/api/sessions/" + id + "/join", null,
                    "{\"joinCode\":\"" + created.getString("joinCode") + "\"}").json().getString("token");
            String inbox = "dns:s:{" + id + "}:inbox:" + created.getString("memberId");
            String transfers = "/api/sessions/" + id + "/files/" + fileId + "/transfers";
            List<CompletableFuture<HttpResponse<Void>>> waiting = new ArrayList<>();
            try (HttpClient client = HttpClient.newHttpClient();
                 RawSocket sharer = RawSocket.authenticated(server.port(), host)) {
                // one the sharer takes (its only slot), then two that wait in its inbox: the first is taken
                // before the others come (the socket takes it on a wake-up, a moment after its push)
                for (int i = 0; i < 3; i++) {
                    waiting.add(client.sendAsync(HttpRequest.newBuilder(URI.create(TestServer.url(server) + transfers))
                            .header("Authorization", "Bearer " + guest).header("Accept", "text/event-stream")
                            .POST(HttpRequest.BodyPublishers.ofString(downloadBody(randomId()))).build(),
                            HttpResponse.BodyHandlers.discarding()));
                    if (i == 0) {
                        assertEquals("request", sharer.next().getString("type"));
                    }
                }
                assertEventually(() -> TestRedis.client().llen(inbox) == 2,
                        "two requests wait in the sharer's inbox", java.time.Duration.ofSeconds(30));

                String transferId = randomId();
                Http.Reply refused = http.post(transfers, guest, downloadBody(transferId), Map.of("Accept", "text/event-stream"));
                assertEquals(503, refused.status(), refused.body());
                assertEquals("sharer-busy", refused.error());
                assertTrue(refused.json().getString("message").contains("2 downloads waiting"), refused.body());
                assertEquals(2, TestRedis.client().llen(inbox), "nothing was queued for the refused request");
                assertEventually(() -> keys("dns:t:{" + transferId + "}*").isEmpty(), "the refused transferId is free again");
            } finally {
                waiting.forEach(f -> f.cancel(true));
            }
        }
    }

    private static void toggleFile(Http http, String sessionId, String token) throws Exception {
        Http.Reply added = http.post("/api/sessions/" + sessionId + "/files", token, "{\"name\":\"a.txt\",\"size\":1}");
        assertEquals(201, added.status(), added.body());
        assertEquals(204, http.delete("/api/sessions/" + sessionId + "/files/" + added.json().getString("id"), token).status());
    }

    private static String downloadBody(String transferId) {
        return "{\"transferId\":\"" + transferId + "\",\"publicKey\":\"" + base64Url(65) + "\",\"hmac\":\"" + base64Url(32) + "\"}";
    }

    private static String randomId() {
        return base64Url(16);
    }

    private static String base64Url(int length) {
        byte[] bytes = new byte[length];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
