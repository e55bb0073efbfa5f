package app.dragnshare.server.testing;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import jakarta.json.Json;
import jakarta.json.JsonObject;

/** A WebSocket client that sends whatever a test tells it to, for probing the sharer socket. */
public final class RawSocket implements AutoCloseable {
    private final WebSocket socket;
    private final BlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
    private final BlockingQueue<byte[]> pongs = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private volatile String closeReason = "";

    private RawSocket(URI uri) throws Exception {
        StringBuilder text = new StringBuilder();
        socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    try (var reader = Json.createReader(new StringReader(text.toString()))) {
                        messages.add(reader.readObject());
                    }
                    text.setLength(0);
                }
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
                byte[] payload = new byte[message.remaining()];
                message.get(payload);
                pongs.add(payload);
                ws.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
                closeReason = reason;
                closeCode.complete(statusCode);
                return null;
            }

            @Override
            public void onError(WebSocket ws, Throwable error) {
                closeCode.complete(1006);
            }
        }).get(10, TimeUnit.SECONDS);
    }

    public static RawSocket open(int port) throws Exception {
        return new RawSocket(URI.create("ws://127.0.0.1:" + port + "/api/socket"));
    }

    /** Opens and authenticates; returns once the server said "ready". */
    public static RawSocket authenticated(int port, String token) throws Exception {
        RawSocket socket = open(port);
        socket.text("{\"type\":\"auth\",\"token\":\"" + token + "\"}");
        JsonObject ready = socket.next();
        if (!"ready".equals(ready.getString("type"))) {
            throw new AssertionError("expected ready, got " + ready);
        }
        return socket;
    }

    public void text(String message) throws Exception {
        socket.sendText(message, true).get(10, TimeUnit.SECONDS);
    }

    public void binary(byte[] bytes) throws Exception {
        socket.sendBinary(ByteBuffer.wrap(bytes), true).get(10, TimeUnit.SECONDS);
    }

    /** Sends a WebSocket Ping (at most 125 bytes of payload). */
    public void ping(byte[] payload) throws Exception {
        socket.sendPing(ByteBuffer.wrap(payload)).get(10, TimeUnit.SECONDS);
    }

    /** The payload of the next Pong from the server, or null if none came within 5 s. */
    public byte[] nextPong() throws Exception {
        return pongs.poll(5, TimeUnit.SECONDS);
    }

    /** Waits up to 10 s for a message of {@code type}, dropping others; false if none came. */
    public boolean awaitType(String type) throws Exception {
        return awaitType(type, 10_000);
    }

    /** Whether a message of {@code type} arrives within {@code millis}. */
    public boolean awaitType(String type, long millis) throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            JsonObject message = messages.poll(50, TimeUnit.MILLISECONDS);
            if (message != null && type.equals(message.getString("type", ""))) {
                return true;
            }
        }
        return false;
    }

    /** The next JSON message from the server, skipping session events. */
    public JsonObject next() throws Exception {
        while (true) {
            JsonObject message = messages.poll(15, TimeUnit.SECONDS);
            if (message == null) {
                throw new AssertionError("no message from the server within 15 s");
            }
            if (!message.getString("type", "").endsWith("-changed")) {
                return message;
            }
        }
    }

    /**
     * What the server did about the last message within {@code millis}: "close NNNN" if it closed
     * the socket, the type (and code) of its reply if it answered, or "nothing".
     */
    public String reaction(long millis) throws Exception {
        long deadline = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < deadline) {
            if (closeCode.isDone()) {
                return "close " + closeCode.get();
            }
            JsonObject message = messages.poll(20, TimeUnit.MILLISECONDS);
            if (message != null && !message.getString("type", "").endsWith("-changed")) {
                return message.getString("type", "") + " " + message.getString("code", "");
            }
        }
        return closeCode.isDone() ? "close " + closeCode.get() : "nothing";
    }

    /** The close code the server sent (waits up to 15 s). */
    public int closeCode() throws Exception {
        return closeCode.get(15, TimeUnit.SECONDS);
    }

    public String closeReason() {
        return closeReason;
    }

    @Override
    public void close() {
        socket.abort();
    }
}
