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
