package app.dragnshare.server.transfer;

import static app.dragnshare.server.testing.RedisKeys.assertEventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import app.dragnshare.client.api.EventStream;
import app.dragnshare.client.api.ServerEvent;
import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.FrameSocket;
import app.dragnshare.server.testing.Http;
import app.dragnshare.server.testing.TestServer;
import app.dragnshare.server.relay.RelayTap;

/**
 * PROTOCOL.md §4.8, §5.6 and §6.1 on the wire, with a raw sharer socket and a raw receiver: a
 * request's start reaches the sharer and the pulls begin there; the receiver's reports reach the
 * sharer as {@code verified}, its receipt as {@code receipt} after {@code done}; no receipt means
 * {@code unconfirmed}; only the transfer's receiver may report; a version 1 sharer gets no resume.
 */
class ReportRelayTest {
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final long SIZE = 2500;
    private static final long CHUNK_SIZE = 1024;
    private static final long CHUNKS = 3;
    /** Its own threads: a stream that waits must not hold the common pool other tests' helpers use. */
    private static final java.util.concurrent.ExecutorService STREAMS = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
    private static DragNShareServer server;
    private static Http http;

    @BeforeAll
    static void startServer() {
        server = TestServer.start(Map.of("RECEIPT_TIMEOUT", "2s"), RelayTap.NONE);
        http = new Http(TestServer.url(server));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void theSharerHearsVerifiedProgressThenTheReceipt() throws Exception {
        Room room = Room.open(2);
        try (RawSharer sharer = room.sharer) {
            String transferId = randomId();
            CompletableFuture<List<ServerEvent>> stream = room.download(transferId, 1);
            JsonObject request = sharer.next("request");
            assertEquals(1, request.getJsonNumber("start").longValue(), "the request carries its start: " + request);
            sharer.offer(transferId);
            assertEquals(1, sharer.next("pull").getJsonNumber("index").longValue(), "the first pull is the start");
            sharer.chunk(transferId, 1);
            assertEquals(2, sharer.next("pull").getJsonNumber("index").longValue());
            sharer.chunk(transferId, 2);
            List<ServerEvent> events = stream.get(20, TimeUnit.SECONDS);
            assertEquals(List.of("offer", "chunk", "chunk", "end"), events.stream().map(ServerEvent::name).toList());
            assertEquals("1", events.get(1).id(), "the stream starts at the start");

            assertEquals(204, room.report(transferId, "{\"verified\":2}").status());
            String receipt = B64URL.encodeToString(new byte[32]);
            assertEquals(404, http.post(reportPath(room, transferId), room.hostToken,
                    "{\"verified\":3,\"receipt\":\"" + receipt + "\"}").status(), "only the transfer's receiver reports");
            assertEquals(400, room.report(transferId, "{\"verified\":-1}").status());
            assertEquals(400, room.report(transferId, "{\"verified\":3,\"receipt\":\"AAAA\"}").status());
            assertEquals(400, room.report(transferId, "{\"verified\":1,\"failed\":\"bored\"}").status());
            assertEquals(204, room.report(transferId, "{\"verified\":3,\"receipt\":\"" + receipt + "\"}").status());

            List<JsonObject> heard = sharer.until("receipt");
            List<String> types = heard.stream().map(m -> m.getString("type")).toList();
            assertTrue(types.contains("verified") && types.indexOf("done") < types.indexOf("receipt"), "heard " + heard);
            JsonObject verified = heard.get(types.indexOf("verified"));
            assertEquals(2, verified.getJsonNumber("chunks").longValue(), verified.toString());
            assertEquals(transferId, verified.getString("transferId"));
            JsonObject last = heard.getLast();
            assertEquals(receipt, last.getString("receipt"), "the receipt is passed on as sent");
            assertEquals(3, last.getJsonNumber("chunks").longValue());
            assertEquals(transferId, last.getString("transferId"));
            assertEventually(() -> room.reportStatus(transferId, "{\"verified\":3}") == 404,
                    "the transfer is over once its receipt was relayed");
        }
    }

    @Test
    void withoutAReceiptTheSharerHearsUnconfirmed() throws Exception {
        Room room = Room.open(2);
        try (RawSharer sharer = room.sharer) {
            String transferId = randomId();
            CompletableFuture<List<ServerEvent>> stream = room.download(transferId, 0);
            sharer.next("request");
            sharer.offer(transferId);
            for (int i = 0; i < CHUNKS; i++) {
                sharer.chunk(transferId, sharer.next("pull").getJsonNumber("index").longValue());
            }
            assertEquals("end", stream.get(20, TimeUnit.SECONDS).getLast().name());
            sharer.next("done");
            long doneAt = System.nanoTime();
            JsonObject unconfirmed = sharer.next("unconfirmed");
            double waited = (System.nanoTime() - doneAt) / 1e9;
            assertEquals(transferId, unconfirmed.getString("transferId"));
            assertTrue(waited > 1 && waited < 6, "unconfirmed came RECEIPT_TIMEOUT (2 s) after done, not " + waited + " s");
        }
    }

    @Test
    void aReceiverThatFoundTamperingStopsTheSharersTransfer() throws Exception {
        Room room = Room.open(2);
        try (RawSharer sharer = room.sharer) {
            String transferId = randomId();
            CompletableFuture<List<ServerEvent>> stream = room.download(transferId, 0);
            sharer.next("request");
            sharer.offer(transferId);
            sharer.chunk(transferId, sharer.next("pull").getJsonNumber("index").longValue());
            assertEquals(204, room.report(transferId, "{\"verified\":0,\"failed\":\"tampered\"}").status());
            JsonObject cancel = sharer.until("cancel").getLast();
            assertEquals("tampered", cancel.getString("code"), cancel.toString());
            ServerEvent last = stream.get(20, TimeUnit.SECONDS).getLast();
            assertEquals("error", last.name());
            assertTrue(last.text().contains("\"tampered\""), last.text());
        }
    }

    @Test
    void aVersion1SharerGetsNoResumeRequest() throws Exception {
        Room room = Room.open(0);
        try (RawSharer sharer = room.sharer) {
            ServerEvent error = room.download(randomId(), 1).get(20, TimeUnit.SECONDS).getLast();
            assertEquals("error", error.name());
            assertTrue(error.text().contains("\"resume-unsupported\""), error.text());

            String transferId = randomId();
            room.download(transferId, 0);
            JsonObject request = sharer.next("request");
            assertEquals(transferId, request.getString("transferId"), "a whole-file request still reaches it");
        }
    }

    @Test
    void aStartBeyondTheFileIsRefused() throws Exception {
        Room room = Room.open(2);
        try (RawSharer sharer = room.sharer) {
            for (String start : List.of("-1", "1.5", "\"1\"", "null", "4294967296", "3")) { // 3 = ceil(2500 / 1024)
                Http.Reply reply = http.post(room.downloadPath(), room.guestToken, room.downloadBody(randomId(), start),
                        Map.of("Accept", "text/event-stream"));
                assertEquals(400, reply.status(), start + ": " + reply.body());
                assertEquals("bad-start", reply.error(), reply.body());
                assertTrue(reply.json().getString("message").contains("start"), reply.body());
            }
            assertTrue(http.post(room.downloadPath(), room.guestToken, room.downloadBody(randomId(), "3"),
                    Map.of("Accept", "text/event-stream")).json().getString("message").contains("below 3"));
            // within what any chunk size allows, beyond this offer's chunks: the server refuses the offer
            String transferId = randomId();
            CompletableFuture<List<ServerEvent>> stream = room.download(transferId, 2);
            sharer.next("request");
            sharer.offer(transferId, 1024 * 2, 2);
            JsonObject error = sharer.until("error").getLast();
            assertEquals("bad-offer", error.getString("code"), error.toString());
            assertEquals("error", stream.get(20, TimeUnit.SECONDS).getLast().name());
        }
    }

    private static String reportPath(Room room, String transferId) {
        return "/api/sessions/" + room.sessionId + "/transfers/" + transferId + "/report";
    }

    private static String randomId() {
        byte[] id = new byte[16];
        new SecureRandom().nextBytes(id);
        return B64URL.encodeToString(id);
    }

    /** A session with a host who shares one file over a raw socket, and a guest who downloads it. */
    private record Room(String sessionId, String hostToken, String guestToken, String fileId, RawSharer sharer) {
        /** {@code protocol} 0: the sharer's auth says none (a version 1 client). */
        static Room open(int protocol) throws Exception {
            JsonObject session = http.post("/api/sessions", null, "").json();
            String sessionId = session.getString("sessionId");
            String host = session.getString("token");
            String fileId = http.post("/api/sessions/" + sessionId + "/files", host,
                    "{\"name\":\"a.bin\",\"size\":" + SIZE + "}").json().getString("id");
            RawSharer sharer = new RawSharer(host, protocol);
            String guest = http.post("/api/sessions/" + sessionId + "/join", null,
                    "{\"joinCode\":\"" + session.getString("joinCode") + "\"}").json().getString("token");
            return new Room(sessionId, host, guest, fileId, sharer);
        }

        String downloadPath() {
            return "/api/sessions/" + sessionId + "/files/" + fileId + "/transfers";
        }

        String downloadBody(String transferId, String start) {
            return "{\"transferId\":\"" + transferId + "\",\"publicKey\":\"" + B64URL.encodeToString(point())
                    + "\",\"hmac\":\"" + B64URL.encodeToString(new byte[32]) + "\",\"start\":" + start + "}";
        }

        /** Every event of a download until the stream ends. */
        CompletableFuture<List<ServerEvent>> download(String transferId, long start) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(TestServer.url(server) + downloadPath()))
                    .header("Authorization", "Bearer " + guestToken).header("Accept", "text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(downloadBody(transferId, Long.toString(start)))).build();
            return CompletableFuture.supplyAsync(() -> {
                List<ServerEvent> events = new ArrayList<>();
                try (InputStream body = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream()).body();
                     EventStream stream = new EventStream(body, 1 << 20)) {
                    for (ServerEvent e; (e = stream.next()) != null; ) {
                        events.add(new ServerEvent(e.name(), e.id(), e.data(), 0, e.length()));
                    }
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return events;
            }, STREAMS);
        }

        Http.Reply report(String transferId, String body) throws Exception {
            return http.post(reportPath(this, transferId), guestToken, body);
        }

        int reportStatus(String transferId, String body) {
            try {
                return report(transferId, body).status();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** The server checks only the form of a key; any 65 bytes starting with 4 pass. */
        private static byte[] point() {
            byte[] key = new byte[65];
            key[0] = 4;
            return key;
        }
    }

    /** A sharer speaking the protocol by hand over a raw WebSocket. */
    private static final class RawSharer implements AutoCloseable {
        private final FrameSocket socket;

        RawSharer(String token, int protocol) throws Exception {
            socket = new FrameSocket(server.port());
            socket.text("{\"type\":\"auth\",\"token\":\"" + token + "\"" + (protocol > 0 ? ",\"protocol\":" + protocol : "") + "}");
            JsonObject ready = next("ready");
            assertEquals(3, ready.getInt("protocol"), "the server says which version it speaks: " + ready);
        }

        void offer(String transferId) throws IOException {
            offer(transferId, CHUNK_SIZE, CHUNKS);
        }

        void offer(String transferId, long chunkSize, long chunks) throws IOException {
            socket.text(Json.createObjectBuilder().add("type", "offer").add("transferId", transferId)
                    .add("publicKey", B64URL.encodeToString(Room.point())).add("hmac", B64URL.encodeToString(new byte[32]))
                    .add("name", "a.bin").add("size", SIZE).add("chunkSize", chunkSize).add("chunks", chunks).build().toString());
        }

        /** Ciphertext-shaped bytes of chunk {@code index} (the server cannot tell them from real ones). */
        void chunk(String transferId, long index) throws IOException {
            int length = (int) (Math.min(CHUNK_SIZE, SIZE - index * CHUNK_SIZE) + 16);
            ByteBuffer frame = ByteBuffer.allocate(20 + length);
            frame.put(Base64.getUrlDecoder().decode(transferId)).putInt((int) index);
            socket.write(FrameSocket.frame(true, FrameSocket.BINARY, frame.array()));
        }

        /** The next message of {@code type}, skipping session events. */
        JsonObject next(String type) throws IOException {
            return until(type).getLast();
        }

        /** Every message up to and including the first of {@code type}, session events left out. */
        List<JsonObject> until(String type) throws IOException {
            List<JsonObject> heard = new ArrayList<>();
            while (true) {
                FrameSocket.Frame frame = socket.readSkippingPings();
                if (frame.opcode() == FrameSocket.CLOSE) {
                    throw new AssertionError("the socket closed (" + frame.closeCode() + ") waiting for " + type + ": " + heard);
                }
                if (frame.opcode() != FrameSocket.TEXT) {
                    continue;
                }
                JsonObject message = Json.createReader(new StringReader(frame.text())).readObject();
                if (message.getString("type").endsWith("-changed")) {
                    continue;
                }
                heard.add(message);
                if (message.getString("type").equals(type)) {
                    return heard;
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

}
