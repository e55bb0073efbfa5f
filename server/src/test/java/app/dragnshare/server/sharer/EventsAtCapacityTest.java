package app.dragnshare.server.sharer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.relay.RelayTap;
import app.dragnshare.server.testing.Http;
import app.dragnshare.server.testing.SharerCrowd;
import app.dragnshare.server.testing.TestServer;

/**
 * An instance serving its MAX_TRANSFERS_PER_INSTANCE still tells its sockets of session changes:
 * a page's file list must not freeze because transfers elsewhere fill the instance. Before, events
 * waited for a transfer permit like requests, and under IdleSharersTest's load the last free permit
 * went to sockets draining events while a request waited behind them for over a minute.
 */
class EventsAtCapacityTest {
    @Test
    void sessionEventsReachSocketsWhileEveryTransferPermitIsTaken() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        AtomicInteger filesChanged = new AtomicInteger();
        try (DragNShareServer server = TestServer.start(Map.of("MAX_TRANSFERS_PER_INSTANCE", "1"), RelayTap.NONE);
             SharerCrowd crowd = new SharerCrowd(text -> {
                 if (text.contains("\"type\":\"request\"")) {
                     requests.incrementAndGet();
                 } else if (text.contains("\"type\":\"files-changed\"")) {
                     filesChanged.incrementAndGet();
                 }
             });
             HttpClient client = HttpClient.newHttpClient()) {
            URI url = TestServer.url(server);
            Http http = new Http(url);
            SharerCrowd.Members members = SharerCrowd.members(url, 3); // 0 and 1 connect; 2 downloads and shares
            crowd.openAll(server.port(), members.tokens().subList(0, 2));
            await(() -> crowd.ready() == 2, "both sockets are ready");

            // member 2 downloads a file of member 1, whose socket never answers: the instance's one permit is taken
            String fileId = http.post("/api/sessions/" + members.sessionId() + "/files", members.tokens().get(1),
                    "{\"name\":\"held.bin\",\"size\":1000}").json().getString("id");
            CompletableFuture<HttpResponse<Void>> pending = client.sendAsync(HttpRequest.newBuilder(
                            url.resolve("/api/sessions/" + members.sessionId() + "/files/" + fileId + "/transfers"))
                    .header("Authorization", "Bearer " + members.tokens().get(2))
                    .header("Accept", "text/event-stream").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"transferId\":\"" + random(16) + "\",\"publicKey\":\""
                            + random(65) + "\",\"hmac\":\"" + random(32) + "\"}")).build(),
                    HttpResponse.BodyHandlers.discarding());
            await(() -> requests.get() == 1, "member 1 heard the download request");
            await(() -> filesChanged.get() >= 2, "both sockets heard of member 1's file"); // before the permit was taken
            filesChanged.set(0);

            http.post("/api/sessions/" + members.sessionId() + "/files", members.tokens().get(2),
                    "{\"name\":\"new.bin\",\"size\":1000}");
            await(() -> filesChanged.get() >= 2, "both sockets hear of member 2's new file while the instance is full: "
                    + filesChanged.get() + " of 2");
            assertEquals(1, requests.get(), "no other request was made");
            pending.cancel(true);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 10 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    private static String random(int length) {
        byte[] bytes = new byte[length];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
