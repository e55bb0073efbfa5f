package app.dragnshare.server.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.FrameSocket;
import app.dragnshare.server.testing.Fuzz;
import app.dragnshare.server.testing.Http;
import app.dragnshare.server.testing.TestServer;

/**
 * The chunk path takes chunks in every framing the protocol allows — a whole 1 MiB chunk in one
 * frame, one message in frames of every length encoding, a chunk in several messages, empty
 * frames — with the client's pings between fragments answered, and the receiver gets every
 * ciphertext byte for byte.
 */
class ChunkFramesTest {
    private static final int CHUNK = 1024 * 1024; // MAX_CHUNK_SIZE: the largest chunk, sent as one frame below
    private static final long SIZE = 3L * CHUNK + 1000;
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static DragNShareServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = new Http(TestServer.url(server));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyAllowedFramingArrivesByteForByteAndPingsDuringTheTransferArePonged() throws Exception {
        JsonObject created = http.post("/api/sessions", null, "{}").json();
        String token = created.getString("token");
        String sessionId = created.getString("sessionId");
        String fileId = http.post("/api/sessions/" + sessionId + "/files", token,
                "{\"name\":\"f.bin\",\"size\":" + SIZE + "}").json().getString("id");
        Random random = Fuzz.random("chunk-frames");
        List<byte[]> ciphertexts = new ArrayList<>();
        for (int index = 0; index < 4; index++) {
            byte[] c = new byte[(int) Math.min(CHUNK, SIZE - (long) index * CHUNK) + 16];
            random.nextBytes(c);
            ciphertexts.add(c);
        }

        try (FrameSocket sharer = new FrameSocket(server.port())) {
            sharer.text("{\"type\":\"auth\",\"token\":\"" + token + "\"}");
            assertEquals("ready", nextMessage(sharer).getString("type"));
            CompletableFuture<Map<Integer, byte[]>> download = download(sessionId, fileId, created.getString("joinCode"));
            JsonObject request = nextMessage(sharer);
            assertEquals("request", request.getString("type"));
            String transferId = request.getString("transferId");
            sharer.text("{\"type\":\"offer\",\"transferId\":\"" + transferId + "\",\"publicKey\":\""
                    + B64URL.encodeToString(new byte[65]) + "\",\"hmac\":\"" + B64URL.encodeToString(new byte[32])
                    + "\",\"name\":\"f.bin\",\"size\":" + SIZE + ",\"chunkSize\":" + CHUNK + ",\"chunks\":4}");
            byte[] id = Base64.getUrlDecoder().decode(transferId);
            int pings = 0;
            for (int sent = 0; sent < 4; ) {
                JsonObject message = nextMessage(sharer);
                if (!"pull".equals(message.getString("type"))) {
                    continue;
                }
                int index = message.getInt("index");
                byte[] c = ciphertexts.get(index);
                switch (index) {
                    case 0 -> sharer.write(FrameSocket.frame(true, FrameSocket.BINARY, message(id, index, c, 0, c.length)));
                    case 1 -> {
                        // one message in frames of 1, 125, 126, 65535, 65536, 2048... bytes, a ping after each
                        byte[] whole = message(id, index, c, 0, c.length);
                        int[] sizes = {1, 125, 126, 65535, 65536, 0, 2048, 16384, 262164};
                        int at = 0;
                        for (int f = 0; at < whole.length; f++) {
                            int n = f < sizes.length ? Math.min(sizes[f], whole.length - at) : whole.length - at;
                            boolean fin = at + n == whole.length;
                            byte[] part = java.util.Arrays.copyOfRange(whole, at, at + n);
                            sharer.write(FrameSocket.frame(fin, at == 0 ? FrameSocket.BINARY : FrameSocket.CONTINUATION, part));
                            at += n;
                            if (!fin) {
                                sharer.write(FrameSocket.frame(true, FrameSocket.PING, ("p" + pings++).getBytes()));
                            }
                        }
                    }
                    case 2 -> {
                        // the chunk in three messages (as the page sends it), each framed differently
                        int third = c.length / 3;
                        sharer.write(FrameSocket.frame(true, FrameSocket.BINARY, message(id, index, c, 0, third)));
                        byte[] second = message(id, index, c, third, third);
                        for (int at = 0; at < second.length; at += 16384) {
                            int n = Math.min(16384, second.length - at);
                            sharer.write(FrameSocket.frame(at + n == second.length, at == 0 ? FrameSocket.BINARY
                                    : FrameSocket.CONTINUATION, java.util.Arrays.copyOfRange(second, at, at + n)));
                        }
                        byte[] last = message(id, index, c, 2 * third, c.length - 2 * third);
                        sharer.write(FrameSocket.frame(false, FrameSocket.BINARY, java.util.Arrays.copyOf(last, 7)));
                        sharer.write(FrameSocket.frame(true, FrameSocket.PING, "mid-header".getBytes()));
                        pings++;
                        sharer.write(FrameSocket.frame(true, FrameSocket.CONTINUATION,
                                java.util.Arrays.copyOfRange(last, 7, last.length)));
                    }
                    default -> {
                        // the last chunk whole, then an empty frame that ends the message
                        sharer.write(FrameSocket.frame(false, FrameSocket.BINARY, message(id, index, c, 0, c.length)));
                        sharer.write(FrameSocket.frame(true, FrameSocket.CONTINUATION, new byte[0]));
                    }
                }
                sent++;
            }
            Map<Integer, byte[]> received = download.get(60, TimeUnit.SECONDS);
            assertEquals(4, received.size(), "chunks received: " + received.keySet());
            for (int index = 0; index < 4; index++) {
                assertArrayEquals(ciphertexts.get(index), received.get(index), "chunk " + index);
            }
            int pongs = 0;
            List<String> payloads = new ArrayList<>();
            while (pongs < pings) {
                FrameSocket.Frame frame = sharer.read();
                if (frame.opcode() == FrameSocket.PONG) {
                    payloads.add(frame.text());
                    pongs++;
                }
            }
            assertTrue(payloads.contains("mid-header") && payloads.contains("p0"), "pongs carry the ping's payload: " + payloads);
        }
    }

    /** A binary chunk message: transferId || index || the ciphertext bytes [from, from + length). */
    private static byte[] message(byte[] id, int index, byte[] c, int from, int length) {
        byte[] m = new byte[20 + length];
        System.arraycopy(id, 0, m, 0, 16);
        m[19] = (byte) index;
        System.arraycopy(c, from, m, 20, length);
        return m;
    }

    /** The next JSON message from the server, skipping pings, pongs and session events. */
    private static JsonObject nextMessage(FrameSocket socket) throws Exception {
        while (true) {
            FrameSocket.Frame frame = socket.read();
            if (frame.opcode() == FrameSocket.CLOSE) {
                throw new AssertionError("the server closed the socket: " + frame.closeCode() + " "
                        + new String(frame.payload(), 2, frame.payload().length - 2, StandardCharsets.UTF_8));
            }
            if (frame.opcode() == FrameSocket.TEXT) {
                JsonObject json = Json.createReader(new StringReader(frame.text())).readObject();
                if (!json.getString("type", "").endsWith("-changed")) {
                    return json;
                }
            }
        }
    }

    /** A receiver's download stream: the ciphertext of every chunk event, by index, once the stream ends. */
    private static CompletableFuture<Map<Integer, byte[]>> download(String sessionId, String fileId, String joinCode)
            throws Exception {
        String guest = http.post("/api/sessions/" + sessionId + "/join", null, "{\"joinCode\":\"" + joinCode + "\"}")
                .json().getString("token");
        byte[] id = new byte[16];
        new SecureRandom().nextBytes(id);
        String body = "{\"transferId\":\"" + B64URL.encodeToString(id) + "\",\"publicKey\":\""
                + B64URL.encodeToString(new byte[65]) + "\",\"hmac\":\"" + B64URL.encodeToString(new byte[32]) + "\"}";
        HttpRequest request = HttpRequest.newBuilder(URI.create(TestServer.url(server) + "/api/sessions/" + sessionId
                        + "/files/" + fileId + "/transfers"))
                .header("Authorization", "Bearer " + guest).header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newHttpClient().sendAsync(request, HttpResponse.BodyHandlers.ofInputStream())
                .thenApplyAsync(response -> {
                    Map<Integer, byte[]> chunks = new TreeMap<>();
                    try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                        String event = "";
                        int index = -1;
                        for (String line; (line = reader.readLine()) != null; ) {
                            if (line.startsWith("event:")) {
                                event = line.substring(6).trim();
                            } else if (line.startsWith("id:")) {
                                index = Integer.parseInt(line.substring(3).trim());
                            } else if (line.startsWith("data:") && event.equals("chunk")) {
                                chunks.put(index, Base64.getDecoder().decode(line.substring(5).trim()));
                            } else if (line.startsWith("data:") && !event.equals("offer")) {
                                if (event.equals("end")) {
                                    return chunks;
                                }
                                throw new AssertionError("the download failed: " + event + " " + line);
                            }
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    throw new AssertionError("the stream ended without an end event");
                });
    }
}
