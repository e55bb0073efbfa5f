package app.dragnshare.client.api;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

import app.dragnshare.client.json.Json;
import app.dragnshare.client.json.JsonException;
import app.dragnshare.client.json.JsonFields;

/**
 * The sharer's WebSocket on {@link java.net.http.WebSocket}: authenticates with its first
 * message, hands each JSON message to a {@link Handler}, and serialises sends (the JDK allows
 * one outstanding send at a time).
 */
public final class SharerConnection implements AutoCloseable {
    /** Receives what the server sends; called on the WebSocket's thread, one message at a time. */
    public interface Handler {
        void onMessage(JsonFields message);

        void onClosed(int code, String reason);
    }

    private static final int MAX_TEXT = 1024 * 1024;
    /**
     * Largest WebSocket frame we send: 16 KiB less the 8-byte header, so each frame is one write
     * of the JDK client's 16 KiB buffer. Against the server's bulk intake any size costs it the
     * same; against Helidon's own (byte by byte) 2 KiB was fastest (benchmarks/README.md).
     * {@code -Ddragnshare.frame=BYTES} tries another size without a rebuild.
     */
    private static final int FRAME = Math.max(125, Integer.getInteger("dragnshare.frame", 16 * 1024 - 8));

    private final WebSocket socket;
    private final ReentrantLock sendLock = new ReentrantLock();

    private SharerConnection(WebSocket socket) {
        this.socket = socket;
    }

    /** Connects and authenticates; returns once the server said "ready". */
    public static SharerConnection open(ServerApi api, String token, Handler handler)
            throws UnreachableException, ApiException {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Listener listener = new Listener(handler, ready);
        WebSocket socket;
        try {
            socket = api.http().newWebSocketBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .buildAsync(api.socketUri(), listener)
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw api.untrustedOr(e, "cannot open the sharer connection to " + api.server());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnreachableException("interrupted", e);
        }
        SharerConnection connection = new SharerConnection(socket);
        // 3: it can resume (2, PROTOCOL.md §4.8) and pace downloads (3, §7)
        connection.sendText(Map.of("type", "auth", "token", token, "protocol", 3L));
        try {
            ready.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException refused) {
                throw refused;
            }
            throw new UnreachableException("the sharer connection failed", e.getCause());
        } catch (TimeoutException e) {
            socket.abort();
            throw new UnreachableException("the server did not accept the sharer connection in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnreachableException("interrupted", e);
        }
        return connection;
    }

    public void sendText(Map<String, ?> message) {
        String text = Json.write(message);
        sendLock.lock();
        try {
            socket.sendText(text, true).join();
        } catch (CompletionException e) {
            throw new IllegalStateException("the connection to the server is closed (" + e.getCause() + ")", e.getCause());
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * Starts sending a text message without waiting for it. The caller must not start another
     * before the returned stage completes (the JDK allows one send at a time), nor mix this with
     * the waiting sends.
     */
    public CompletableFuture<WebSocket> sendTextAsync(String text) {
        return socket.sendText(text, true);
    }

    /**
     * Sends one binary message and waits until it is handed to the network, so the caller may
     * reuse its buffer. The message goes out as frames of at most {@link #FRAME} bytes.
     */
    public void sendBinary(ByteBuffer data) {
        sendLock.lock();
        try {
            int end = data.limit();
            while (end - data.position() > FRAME) {
                ByteBuffer part = data.slice(data.position(), FRAME);
                socket.sendBinary(part, false).join();
                data.position(data.position() + FRAME);
            }
            socket.sendBinary(data, true).join();
        } catch (CompletionException e) {
            throw new IllegalStateException("the connection to the server is closed (" + e.getCause() + ")", e.getCause());
        } finally {
            sendLock.unlock();
        }
    }

    @Override
    public void close() {
        sendLock.lock();
        try {
            if (!socket.isOutputClosed()) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            socket.abort();
        } finally {
            sendLock.unlock();
        }
    }

    private static final class Listener implements WebSocket.Listener {
        private final Handler handler;
        private final CompletableFuture<Void> ready;
        private final StringBuilder text = new StringBuilder();

        Listener(Handler handler, CompletableFuture<Void> ready) {
            this.handler = handler;
            this.ready = ready;
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            if (text.length() + data.length() > MAX_TEXT) {
                socket.abort();
                return null;
            }
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                try {
                    JsonFields json = JsonFields.parse(message);
                    if (!ready.isDone() && "ready".equals(json.string("type", ""))) {
                        ready.complete(null);
                    } else {
                        handler.onMessage(json);
                    }
                } catch (JsonException e) {
                    // a server that speaks something else; ignore the message rather than crash
                }
            }
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
            socket.request(1); // the server sends no binary messages to sharers
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
            if (!ready.isDone()) {
                ready.completeExceptionally(new ApiException(code == 4401 ? 401 : code == 4403 ? 403 : code == 4410 ? 410 : 500,
                        "socket-" + code, reason.isEmpty() ? "the server closed the connection (" + code + ")" : reason));
            }
            handler.onClosed(code, reason);
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            if (!ready.isDone()) {
                ready.completeExceptionally(error);
            }
            handler.onClosed(1006, error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage());
        }
    }
}
