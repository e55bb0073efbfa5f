package app.dragnshare.server.sharer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.Http;
import app.dragnshare.server.testing.RedisClients;
import app.dragnshare.server.testing.SharerCrowd;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;
import app.dragnshare.server.relay.RelayTap;

/**
 * A thousand idle sharer sockets and two hundred pending downloads on one instance: its Redis
 * connections (CLIENT LIST, by the instance's client name) stay within 64 all along, every
 * sharer hears its download request, a real transfer still completes, and a download past
 * MAX_TRANSFERS_PER_INSTANCE gets 503 server-busy with Retry-After.
 */
class IdleSharersTest {
    private static final int SESSIONS = 20;
    private static final int MEMBERS_EACH = 50;
    private static final int PENDING = 200;
    private static final int MAX_CONNECTIONS = 64;

    @TempDir
    Path dir;

    @Test
    void thousandIdleSharersAndTwoHundredPendingDownloadsOnABoundedNumberOfConnections() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        java.util.Set<String> heard = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try (DragNShareServer server = TestServer.start(Map.of(
                // 32 + 24 + the two subscriptions: 58 at most; the 200 pending downloads hold none while they wait
                "REDIS_POOL_SIZE", "32", "REDIS_TRANSFER_POOL_SIZE", "24", "MAX_TRANSFERS_PER_INSTANCE", Integer.toString(PENDING + 1)), RelayTap.NONE);
             SharerCrowd crowd = new SharerCrowd(text -> {
                 if (text.contains("\"type\":\"request\"")) {
                     requests.incrementAndGet();
                     heard.add(text);
                 }
             });
             RedisClients.Sampler connections = RedisClients.sample("drag-n-share-" + server.redis().instanceId());
             HttpClient downloads = HttpClient.newHttpClient()) {
            URI url = TestServer.url(server);
            Http http = new Http(url);
            List<SharerCrowd.Members> sessions = new ArrayList<>();
            for (int s = 0; s < SESSIONS; s++) {
                sessions.add(SharerCrowd.members(url, MEMBERS_EACH));
            }
            // tabs open over time, not all in one instant (BurstConnectTest covers a burst)
            crowd.openInWaves(server.port(), sessions.stream().flatMap(m -> m.tokens().stream()).toList(), 100);
            awaitTrue(() -> crowd.ready() == SESSIONS * MEMBERS_EACH, () -> "every sharer is ready: " + crowd.ready()
                    + ", closed: " + crowd.closes());

            // member i of a session downloads a file of member i+1, who never answers: the download stays pending
            List<CompletableFuture<HttpResponse<Void>>> pending = new ArrayList<>();
            List<String> transferIds = new ArrayList<>();
            for (int d = 0; d < PENDING; d++) {
                String transferId = random(16);
                transferIds.add(transferId);
                pending.add(downloads.sendAsync(download(url, http, sessions, d, transferId), HttpResponse.BodyHandlers.discarding()));
            }
            awaitTrue(() -> requests.get() == PENDING, () -> "every sharer heard its request: " + requests.get()
                    + "; sockets closed: " + crowd.closes() + "; downloads already answered: " + answered(pending)
                    + "; downloads on the instance: " + server.runningDownloads()
                    + "; inboxes still holding a message: " + app.dragnshare.server.testing.RedisKeys.keys("dns:s:*:inbox:*").size()
                    + "; not heard: " + notHeard(transferIds, heard));
            assertEquals(PENDING, server.runningDownloads(), "every download is pending on the instance");

            Path file = TestFiles.random(dir, "while-busy.bin", 3_000_000, 7);
            try (Cli.Sending sending = Cli.send("--server", url.toString(), "--once", file.toString())) {
                Cli.Result result = Cli.run(60, "receive", sending.link(), "--out", dir.resolve("out").toString());
                assertEquals(0, result.exitCode(), result.stderr());
                assertTrue(TestFiles.sameBytes(file, dir.resolve("out").resolve("while-busy.bin")));
            }
            assertEquals(PENDING, server.runningDownloads(), "the pending downloads are still waiting");

            // the instance admits MAX_TRANSFERS_PER_INSTANCE downloads, pending ones included: one more fits, the next is refused
            pending.add(downloads.sendAsync(download(url, http, sessions, PENDING, random(16)), HttpResponse.BodyHandlers.discarding()));
            awaitTrue(() -> requests.get() == PENDING + 1, () -> "the last admitted download reached its sharer: " + requests.get());
            HttpResponse<String> refused = downloads.send(download(url, http, sessions, PENDING + 1, random(16)), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("\"server-busy\""), refused.body());
            assertEquals("5", refused.headers().firstValue("Retry-After").orElse("none"), "a refused download says when to retry");
            assertEquals(Map.of(), Map.copyOf(crowd.closes()), "no sharer socket was closed");
            System.out.println("IdleSharersTest: at most " + connections.max() + " Redis connections of the instance in "
                    + connections.samples() + " samples");
            assertTrue(connections.max() <= MAX_CONNECTIONS, "the instance had " + connections.max()
                    + " Redis connections at most (samples: " + connections.samples() + ")");
            pending.forEach(p -> p.cancel(true));
        }
    }

    /** Status of each pending download that has already ended (none should have), for a failure's message. */
    private static List<String> answered(List<CompletableFuture<HttpResponse<Void>>> pending) {
        return pending.stream().filter(CompletableFuture::isDone)
                .map(p -> p.handle((r, e) -> e == null ? Integer.toString(r.statusCode()) : e.toString()).join()).toList();
    }

    /** Member d/SESSIONS of session d%SESSIONS downloads a new file of the next member, who never answers. */
    private static HttpRequest download(URI url, Http http, List<SharerCrowd.Members> sessions, int d, String transferId)
            throws Exception {
        SharerCrowd.Members session = sessions.get(d % SESSIONS);
        int member = d / SESSIONS;
        String fileId = http.post("/api/sessions/" + session.sessionId() + "/files", session.tokens().get(member + 1),
                "{\"name\":\"f" + d + ".bin\",\"size\":1000}").json().getString("id");
        return HttpRequest.newBuilder(url.resolve("/api/sessions/" + session.sessionId() + "/files/" + fileId + "/transfers"))
                .header("Authorization", "Bearer " + session.tokens().get(member))
                .header("Accept", "text/event-stream").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(downloadBody(transferId))).build();
    }

    private static String downloadBody(String transferId) {
        return "{\"transferId\":\"" + transferId + "\",\"publicKey\":\"" + random(65) + "\",\"hmac\":\"" + random(32) + "\"}";
    }

    /** For a failure's message: each request no sharer heard, where it is (an inbox) and whether its receiver's mark lives. */
    private static List<String> notHeard(List<String> transferIds, java.util.Set<String> heard) {
        List<String> missing = new ArrayList<>();
        for (String id : transferIds) {
            if (heard.stream().noneMatch(text -> text.contains(id))) {
                String where = "in no inbox";
                for (String inbox : app.dragnshare.server.testing.RedisKeys.keys("dns:s:*:inbox:*")) {
                    List<String> held = app.dragnshare.server.testing.TestRedis.client().lrange(inbox, 0, -1);
                    if (held.stream().anyMatch(m -> m.contains(id))) {
                        where = "in " + inbox + " (" + held.size() + " messages)";
                    }
                }
                missing.add(id + " " + where + ", receiver-alive "
                        + app.dragnshare.server.testing.TestRedis.client().exists("dns:t:{" + id + "}:receiver-alive"));
            }
        }
        return missing;
    }

    private static String random(int length) {
        byte[] bytes = new byte[length];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, java.util.function.Supplier<String> what)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what.get());
            }
            Thread.sleep(50);
        }
    }
}
