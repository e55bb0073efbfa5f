package app.dragnshare.server.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
 * A sharer's client that breaks the protocol gets a close code with a reason, its receivers get
 * an error event, and the server carries on.
 */
class ProtocolAbuseTest {
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static DragNShareServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start(Map.of("MAX_REQUEST_BYTES", "4096", "PEER_TIMEOUT", "3s"), RelayTap.NONE);
        http = new Http(TestServer.url(server));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A session whose host registered one 600 000-byte file: {sessionId, token, fileId, joinCode}. */
    private static Map<String, String> sessionWithFile() throws Exception {
        JsonObject created = http.post("/api/sessions", null, "{}").json();
        String token = created.getString("token");
        String id = created.getString("sessionId");
        String fileId = http.post("/api/sessions/" + id + "/files", token, "{\"name\":\"f.bin\",\"size\":600000}")
                .json().getString("id");
        return Map.of("sessionId", id, "token", token, "fileId", fileId, "joinCode", created.getString("joinCode"));
    }

    @Test
    void malformedAndUnknownMessagesCloseWith4400() throws Exception {
        String token = sessionWithFile().get("token");
        for (String bad : new String[] {"not json", "[1,2]", "{\"type\":\"teleport\"}", "{\"type\":5}",
                "{\"type\":\"offer\"}", "{\"type\":\"auth\",\"token\":\"again\"}",
                "{\"type\":\"cancel\",\"type\":\"done\",\"transferId\":\"x\"}"}) {
            try (RawSocket socket = RawSocket.authenticated(server.port(), token)) {
                socket.text(bad);
                assertEquals(4400, socket.closeCode(), bad);
                assertTrue(!socket.closeReason().isBlank(), "a reason is given for " + bad);
            }
        }
    }

    @Test
    void binaryBeforeAuthAndOversizedTextAreRefused() throws Exception {
        try (RawSocket socket = RawSocket.open(server.port())) {
            socket.binary(new byte[100]);
            assertEquals(4401, socket.closeCode());
        }
        String token = sessionWithFile().get("token");
        try (RawSocket socket = RawSocket.authenticated(server.port(), token)) {
            socket.text("{\"type\":\"cancel\",\"transferId\":\"" + "x".repeat(5000) + "\"}");
            assertEquals(1009, socket.closeCode(), "text over MAX_REQUEST_BYTES");
        }
    }

    @Test
    void aBinaryFrameOverTheFrameLimitIsRefused() throws Exception {
        String token = sessionWithFile().get("token");
        try (RawSocket socket = RawSocket.authenticated(server.port(), token)) {
            try {
                socket.binary(new byte[1024 * 1024 + 64 * 1024 + 1]); // MAX_CHUNK_SIZE + 64 KiB is the frame limit
            } catch (java.util.concurrent.ExecutionException refusedMidway) {
                // the server may close before the whole frame is written
            }
            int code = socket.closeCode();
            // 1009 "Payload too large" when the client reads the server's close frame; 1006 when the
            // connection drops while the client is still writing the rest of its frame
            assertTrue(code == 1009 || code == 1006, "the server refused the frame, not " + code);
        }
    }

    @Test
    void messagesAndChunksForTransfersThisConnectionDoesNotRunAreAnsweredNotFatal() throws Exception {
        String token = sessionWithFile().get("token");
        try (RawSocket socket = RawSocket.authenticated(server.port(), token)) {
            // e.g. a cancel for a transfer of the client's previous connection, after a reconnect
            socket.text("{\"type\":\"cancel\",\"transferId\":\"AAAAAAAAAAAAAAAAAAAAAA\"}");
            assertEquals("error unknown-transfer", socket.reaction(5_000));
            byte[] chunk = new byte[20 + 16];
            chunk[0] = 1; // another transfer id than the cancel's
            socket.binary(chunk);
            assertEquals("error unknown-transfer", socket.reaction(5_000));
            socket.binary(chunk);
            assertEquals("nothing", socket.reaction(1_000), "said once per transfer id; the socket stays open");
        }
        try (RawSocket socket = RawSocket.authenticated(server.port(), token)) {
            socket.binary(new byte[7]);
            assertEquals(4400, socket.closeCode(), "shorter than the chunk header");
        }
    }

    @Test
    void chunksOutOfOrderOrUnrequestedCloseTheSocketAndFailTheReceiver() throws Exception {
        for (long badIndex : new long[] {1, 5, 0xFFFF_FFFFL}) {
            Map<String, String> s = sessionWithFile();
            try (RawSocket sharer = RawSocket.authenticated(server.port(), s.get("token"))) {
                Download download = Download.start(s);
                JsonObject request = sharer.next();
                assertEquals("request", request.getString("type"));
                String transferId = request.getString("transferId");
                sharer.text(offer(transferId, 600000, 262144, 3));
                JsonObject pull = sharer.next();
                assertEquals("pull", pull.getString("type"));
                assertEquals(0, pull.getInt("index"));

                sharer.binary(chunk(transferId, badIndex, 262144 + 16));
                assertEquals(4400, sharer.closeCode(), "index " + badIndex);
                assertTrue(sharer.closeReason().contains("not requested"), sharer.closeReason());
                String events = download.events();
                assertTrue(events.contains("event: offer"), events);
                assertTrue(events.contains("event: error") && events.contains("sender-gone"), events);
            }
        }
    }

    @Test
    void aChunkLongerThanItsTransferAllowsClosesTheSocket() throws Exception {
        Map<String, String> s = sessionWithFile();
        try (RawSocket sharer = RawSocket.authenticated(server.port(), s.get("token"))) {
            Download download = Download.start(s);
            String transferId = sharer.next().getString("transferId");
            sharer.text(offer(transferId, 600000, 262144, 3));
            sharer.next(); // pull 0
            sharer.binary(chunk(transferId, 0, 200_000)); // a first part: fine
            sharer.binary(chunk(transferId, 0, 62_161)); // one byte more than chunk 0 holds
            assertEquals(4400, sharer.closeCode());
            assertTrue(sharer.closeReason().contains("longer"), sharer.closeReason());
            assertTrue(download.events().contains("sender-gone"));
        }
    }

    @Test
    void aChunkSentInPartsArrivesAndAnotherChunkCannotCutIn() throws Exception {
        Map<String, String> s = sessionWithFile();
        try (RawSocket sharer = RawSocket.authenticated(server.port(), s.get("token"))) {
            Download download = Download.start(s);
            String transferId = sharer.next().getString("transferId");
            sharer.text(offer(transferId, 600000, 262144, 3));
            sharer.next(); // pull 0
            sharer.binary(chunk(transferId, 0, 100_000));
            sharer.binary(chunk(transferId, 0, 162_160)); // chunk 0 complete: 262 160 bytes in two parts
            sharer.next(); // pull 1
            sharer.binary(chunk(transferId, 1, 1_000));
            sharer.binary(chunk(transferId, 2, 1_000)); // chunk 2 while chunk 1 is incomplete
            assertEquals(4400, sharer.closeCode());
            assertTrue(sharer.closeReason().contains("incomplete"), sharer.closeReason());
            String events = download.events();
            assertTrue(events.contains("event: chunk\nid: 0"), "chunk 0 was relayed: " + events);
        }
    }

    @Test
    void aWaitingDownloadGetsHeartbeatsUntilTheSharerDeclines() throws Exception {
        Map<String, String> s = sessionWithFile();
        try (RawSocket sharer = RawSocket.authenticated(server.port(), s.get("token"))) {
            Download download = Download.start(s);
            String transferId = sharer.next().getString("transferId");
            Thread.sleep(4_000); // longer than the heartbeat interval (PEER_TIMEOUT here: 3 s)
            sharer.text("{\"type\":\"decline\",\"transferId\":\"" + transferId + "\",\"code\":\"unavailable\"}");
            String events = download.events();
            assertTrue(events.startsWith(": keep-alive"), events);
            assertTrue(events.contains("event: error") && events.contains("\"unavailable\""), events);
        }
    }

    @Test
    void anOfferThatDoesNotMatchTheFileFailsOnlyThatTransfer() throws Exception {
        Map<String, String> s = sessionWithFile();
        try (RawSocket sharer = RawSocket.authenticated(server.port(), s.get("token"))) {
            Download download = Download.start(s);
            String transferId = sharer.next().getString("transferId");
            sharer.text(offer(transferId, 999, 262144, 1));
            JsonObject error = sharer.next();
            assertEquals("error", error.getString("type"));
            assertEquals("bad-offer", error.getString("code"));
            assertTrue(download.events().contains("bad-offer"));
            sharer.text("{\"type\":\"cancel\",\"transferId\":\"" + transferId + "\"}");
            Download second = Download.start(s);
            assertEquals("request", sharer.next().getString("type"), "the socket keeps serving");
            second.cancel();
        }
    }

    /** RFC 6455 §5.5.2: a Ping gets a Pong with its payload, whatever the socket is doing. */
    @Test
    void pingsAreAnsweredWithTheirPayloadBeforeAuthAfterAuthAndDuringATransfer() throws Exception {
        Map<String, String> s = sessionWithFile();
        try (RawSocket sharer = RawSocket.open(server.port())) {
            assertPongFor(sharer, "before auth");
            sharer.text("{\"type\":\"auth\",\"token\":\"" + s.get("token") + "\"}");
            assertEquals("ready", sharer.next().getString("type"));
            assertPongFor(sharer, "after auth");
            Download download = Download.start(s);
            String transferId = sharer.next().getString("transferId");
            sharer.text(offer(transferId, 600000, 262144, 3));
            assertEquals("pull", sharer.next().getString("type"));
            sharer.binary(chunk(transferId, 0, 100_000));
            assertPongFor(sharer, "in the middle of a chunk");
            sharer.binary(chunk(transferId, 0, 162_160));
            assertEquals("pull", sharer.next().getString("type"), "the transfer goes on");
            assertPongFor(sharer, "between chunks");
            download.cancel();
        }
    }

    /** RFC 6455 §5.5: a control frame carries at most 125 bytes (the JDK client will not even send more). */
    @Test
    void aPingOverTheControlFrameLimitIsAProtocolError() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /api/socket HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            String head = "";
            while (!head.endsWith("\r\n\r\n")) {
                head += (char) in.readUnsignedByte();
            }
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
            byte[] ping = new byte[2 + 2 + 4 + 126]; // FIN+PING, masked, 16-bit length 126, a zero mask, 126 zero bytes
            ping[0] = (byte) 0x89;
            ping[1] = (byte) (0x80 | 126);
            ping[3] = 126;
            out.write(ping);
            assertEquals(0x88, in.readUnsignedByte(), "a close frame");
            in.readUnsignedByte(); // its length
            assertEquals(1002, in.readUnsignedShort(), "protocol error");
        }
    }

    private static void assertPongFor(RawSocket socket, String when) throws Exception {
        byte[] payload = ("keepalive " + when + " " + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
        socket.ping(payload);
        byte[] pong = socket.nextPong();
        assertTrue(pong != null, "a pong " + when);
        assertEquals(new String(payload, StandardCharsets.UTF_8), new String(pong, StandardCharsets.UTF_8), when);
    }

    private static String offer(String transferId, long size, long chunkSize, long chunks) {
        return "{\"type\":\"offer\",\"transferId\":\"" + transferId + "\",\"publicKey\":\""
                + B64URL.encodeToString(new byte[65]) + "\",\"hmac\":\"" + B64URL.encodeToString(new byte[32])
                + "\",\"name\":\"f.bin\",\"size\":" + size + ",\"chunkSize\":" + chunkSize + ",\"chunks\":" + chunks + "}";
    }

    private static byte[] chunk(String transferId, long index, int ciphertextLength) {
        byte[] frame = new byte[20 + ciphertextLength];
        System.arraycopy(Base64.getUrlDecoder().decode(transferId), 0, frame, 0, 16);
        frame[16] = (byte) (index >>> 24);
        frame[17] = (byte) (index >>> 16);
        frame[18] = (byte) (index >>> 8);
        frame[19] = (byte) index;
        return frame;
    }

    /** A receiver's SSE request made with raw HTTP; its whole stream is collected as text. */
    private record Download(CompletableFuture<String> stream, CompletableFuture<InputStream> body) {
        static Download start(Map<String, String> s) throws Exception {
            String guest = http.post("/api/sessions/" + s.get("sessionId") + "/join", null,
                    "{\"joinCode\":\"" + s.get("joinCode") + "\"}").json().getString("token");
            byte[] id = new byte[16];
            new java.security.SecureRandom().nextBytes(id);
            String body = "{\"transferId\":\"" + B64URL.encodeToString(id) + "\",\"publicKey\":\""
                    + B64URL.encodeToString(new byte[65]) + "\",\"hmac\":\"" + B64URL.encodeToString(new byte[32]) + "\"}";
            HttpRequest request = HttpRequest.newBuilder(URI.create(TestServer.url(server) + "/api/sessions/"
                            + s.get("sessionId") + "/files/" + s.get("fileId") + "/transfers"))
                    .header("Authorization", "Bearer " + guest).header("Accept", "text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            CompletableFuture<InputStream> in = HttpClient.newHttpClient()
                    .sendAsync(request, HttpResponse.BodyHandlers.ofInputStream()).thenApply(HttpResponse::body);
            CompletableFuture<String> text = in.thenApplyAsync(stream -> {
                StringBuilder all = new StringBuilder();
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                    for (String line; (line = reader.readLine()) != null; ) {
                        all.append(line.length() > 200 ? line.substring(0, 200) : line).append('\n');
                    }
                } catch (Exception e) {
                    all.append("[stream broke: ").append(e).append(']');
                }
                return all.toString();
            });
            return new Download(text, in);
        }

        String events() throws Exception {
            return stream.get(20, TimeUnit.SECONDS);
        }

        void cancel() throws Exception {
            body.get(10, TimeUnit.SECONDS).close();
        }
    }
}
