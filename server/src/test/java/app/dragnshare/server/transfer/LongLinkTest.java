package app.dragnshare.server.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Http;
import app.dragnshare.server.testing.RawSocket;
import app.dragnshare.server.testing.TestServer;
import app.dragnshare.server.relay.RelayTap;

/**
 * A sharer far from the server: each chunk arrives 60 ms after its pull, as over a link with a
 * 60 ms round trip. With a fixed window of CHUNK_QUEUE_DEPTH credits the sharer would never be
 * asked for more than 8 chunks at once (8 chunks per round trip, whatever the link could carry);
 * the window must grow, and stay within CHUNK_WINDOW_MAX.
 */
class LongLinkTest {
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final int CHUNK = 1024;
    private static final int CHUNKS = 400;
    private static final int ELEMENT = 4 + CHUNK + 16;
    private static final int WINDOW_MAX_CHUNKS = 40;
    private static DragNShareServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("CHUNK_QUEUE_DEPTH", "8", "CHUNK_WINDOW_MAX", Integer.toString(WINDOW_MAX_CHUNKS * ELEMENT)),
                RelayTap.NONE);
        http = new Http(TestServer.url(server));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void theWindowGrowsWhenChunksArriveLateAndStaysWithinItsMaximum() throws Exception {
        JsonObject created = http.post("/api/sessions", null, "{}").json();
        String token = created.getString("token");
        String sessionId = created.getString("sessionId");
        long size = (long) CHUNK * CHUNKS;
        String fileId = http.post("/api/sessions/" + sessionId + "/files", token,
                "{\"name\":\"far.bin\",\"size\":" + size + "}").json().getString("id");
        String guest = http.post("/api/sessions/" + sessionId + "/join", null,
                "{\"joinCode\":\"" + created.getString("joinCode") + "\"}").json().getString("token");
        ScheduledExecutorService link = Executors.newSingleThreadScheduledExecutor();
        try (RawSocket sharer = RawSocket.authenticated(server.port(), token)) {
            CompletableFuture<String> download = download(sessionId, fileId, guest);
            String transferId = sharer.next().getString("transferId");
            sharer.text("{\"type\":\"offer\",\"transferId\":\"" + transferId + "\",\"publicKey\":\""
                    + B64URL.encodeToString(new byte[65]) + "\",\"hmac\":\"" + B64URL.encodeToString(new byte[32])
                    + "\",\"name\":\"far.bin\",\"size\":" + size + ",\"chunkSize\":" + CHUNK + ",\"chunks\":" + CHUNKS + "}");
            AtomicInteger outstanding = new AtomicInteger();
            int mostOutstanding = 0;
            byte[] id = Base64.getUrlDecoder().decode(transferId);
            while (true) {
                JsonObject message = sharer.next();
                String type = message.getString("type");
                if ("done".equals(type)) {
                    break;
                }
                assertEquals("pull", type, message.toString());
                mostOutstanding = Math.max(mostOutstanding, outstanding.incrementAndGet());
                long index = message.getJsonNumber("index").longValue();
                link.schedule(() -> {
                    outstanding.decrementAndGet();
                    sharer.binary(chunk(id, index));
                    return null;
                }, 60, TimeUnit.MILLISECONDS);
            }
            String events = download.get(30, TimeUnit.SECONDS);
            assertTrue(events.contains("event: end"), "the download completed");
            assertEquals(CHUNKS, events.split("event: chunk", -1).length - 1);
            assertTrue(mostOutstanding > 8, "the window grew past CHUNK_QUEUE_DEPTH: at most " + mostOutstanding + " pulls were out at once");
            assertTrue(mostOutstanding <= WINDOW_MAX_CHUNKS, "the window stayed within CHUNK_WINDOW_MAX: " + mostOutstanding);
        } finally {
            link.shutdownNow();
        }
    }

    private static byte[] chunk(byte[] transferId, long index) {
        byte[] frame = new byte[20 + CHUNK + 16];
        System.arraycopy(transferId, 0, frame, 0, 16);
        frame[16] = (byte) (index >>> 24);
        frame[17] = (byte) (index >>> 16);
        frame[18] = (byte) (index >>> 8);
        frame[19] = (byte) index;
        return frame;
    }

    /** The receiver: its whole event stream, one line per event line (data cut short). */
    private static CompletableFuture<String> download(String sessionId, String fileId, String guest) {
        byte[] id = new byte[16];
        new SecureRandom().nextBytes(id);
        String body = "{\"transferId\":\"" + B64URL.encodeToString(id) + "\",\"publicKey\":\""
                + B64URL.encodeToString(new byte[65]) + "\",\"hmac\":\"" + B64URL.encodeToString(new byte[32]) + "\"}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(TestServer.url(server) + "/api/sessions/"
                        + sessionId + "/files/" + fileId + "/transfers"))
                .header("Authorization", "Bearer " + guest).header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newHttpClient().sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .thenApplyAsync(response -> {
                    StringBuilder all = new StringBuilder();
                    try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                        for (String line; (line = reader.readLine()) != null; ) {
                            all.append(line.length() > 40 ? line.substring(0, 40) : line).append('\n');
                        }
                    } catch (Exception e) {
                        all.append("[stream broke: ").append(e).append(']');
                    }
                    return all.toString();
                });
    }
}
