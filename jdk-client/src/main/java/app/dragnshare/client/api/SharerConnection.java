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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import app.dragnshare.client.json.Json;
import app.dragnshare.client.json.JsonException;
import app.dragnshare.client.json.JsonFields;

/**
 * The sharer's WebSocket on {@link java.net.http.WebSocket}: authenticates with its first
 * message, hands each JSON message to a {@link Handler}, and serialises sends (the JDK allows
 * one outstanding send at a time). Once open, any end of it (a close, an error, a failed send,
 * or silence) reaches {@link Handler#onClosed} exactly once and drops the socket: the JDK alone
 * may never say (an end of stream that arrives while the listener runs is lost, JDK 17 to 25).
 */
public final class SharerConnection implements AutoCloseable {
    /** Receives what the server sends; called on the WebSocket's thread, one message at a time. */
    public interface Handler {
        void onMessage(JsonFields message);

        /** The open connection ended (once, on whichever thread saw it); nothing more comes from it. */
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
    /**
     * This long without a frame from the server means the connection is dead, even if no FIN or
     * RST came: the server pings every 10 s (more often while transfers run), and after a third of
     * it we ping too. {@code -Ddragnshare.silence=SECONDS} sets another (tests use a few seconds).
     */
    private static final long SILENCE_NANOS = TimeUnit.SECONDS.toNanos(Math.max(3, Integer.getInteger("dragnshare.silence", 30)));
    /** RFC 6455's code for a connection that ended without a close frame. */
    private static final int DROPPED = 1006;
    private static final ByteBuffer PING = ByteBuffer.wrap(new byte[] {'d', 'n', 's'}).asReadOnlyBuffer();

    private final WebSocket socket;
    private final Listener listener;
    private final ReentrantLock sendLock = new ReentrantLock();

    private SharerConnection(WebSocket socket, Listener listener) {
        this.socket = socket;
        this.listener = listener;
    }

    /** Connects and authenticates; returns once the server said "ready". */
    public static SharerConnection open(ServerApi api, String token, Handler handler)
            throws UnreachableException, ApiException {
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Listener listener = new Listener(handler, ready);
        WebSocket socket;
        CompletableFuture<WebSocket> opening = api.http().newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .buildAsync(api.socketUri(), listener);
        try {
            socket = opening.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            opening.thenAccept(listener::abandon); // should it open after all
            throw api.untrustedOr(e, "cannot open the sharer connection to " + api.server());
        } catch (InterruptedException e) {
            opening.thenAccept(listener::abandon);
            Thread.currentThread().interrupt();
            throw new UnreachableException("interrupted", e);
        }
        SharerConnection connection = new SharerConnection(socket, listener);
        try {
            // 3: it can resume (2, PROTOCOL.md §4.8) and pace downloads (3, §7)
            connection.sendText(Map.of("type", "auth", "token", token, "protocol", 3L));
            ready.get(30, TimeUnit.SECONDS);
        } catch (IllegalStateException e) {
            listener.abandon(socket);
            throw new UnreachableException("the sharer connection dropped as it opened", e.getCause());
        } catch (ExecutionException e) {
            listener.abandon(socket);
            if (e.getCause() instanceof ApiException refused) {
                throw refused;
            }
            throw new UnreachableException("the sharer connection failed", e.getCause());
        } catch (TimeoutException e) {
            listener.abandon(socket);
            throw new UnreachableException("the server did not accept the sharer connection in time", e);
        } catch (InterruptedException e) {
            listener.abandon(socket);
            Thread.currentThread().interrupt();
            throw new UnreachableException("interrupted", e);
        }
        Thread.ofVirtual().name("sharer-connection-watchdog").start(connection::watch);
        return connection;
    }

    /** Ends the connection when the server falls silent; pings it when it is quiet, so a dead line shows sooner. */
    private void watch() {
        long quiet = SILENCE_NANOS / 3;
        try {
            while (!listener.ended()) {
                Thread.sleep(Math.max(500, TimeUnit.NANOSECONDS.toMillis(quiet) / 2));
                long silent = System.nanoTime() - listener.heard;
                if (silent > SILENCE_NANOS) {
                    listener.end(socket, DROPPED, "no word from the server for "
                            + TimeUnit.NANOSECONDS.toSeconds(silent) + " s");
                } else if (silent > quiet) {
                    socket.sendPing(PING.duplicate()).whenComplete((ws, failure) -> {
                        // "Send pending": the last ping has not left yet, which silence settles
                        if (failure != null && !(failure instanceof IllegalStateException)) {
                            listener.end(socket, DROPPED, "the connection to the server failed (" + failure + ")");
                        }
                    });
                }
            }
        } catch (InterruptedException e) {
            // the process is ending
        }
    }

    /** A send failed: the connection is broken, whatever the JDK tells the listener (maybe nothing). */
    private IllegalStateException sendFailed(Throwable cause) {
        listener.end(socket, DROPPED, "the connection to the server failed (" + cause + ")");
        return new IllegalStateException("the connection to the server is closed (" + cause + ")", cause);
    }

    public void sendText(Map<String, ?> message) {
        String text = Json.write(message);
        Throwable failure;
        sendLock.lock();
        try {
            socket.sendText(text, true).join();
            return;
        } catch (CompletionException e) {
            failure = e.getCause();
        } finally {
            sendLock.unlock();
        }
        throw sendFailed(failure);
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
        Throwable failure;
        sendLock.lock();
        try {
            int end = data.limit();
            while (end - data.position() > FRAME) {
                ByteBuffer part = data.slice(data.position(), FRAME);
                socket.sendBinary(part, false).join();
                data.position(data.position() + FRAME);
            }
            socket.sendBinary(data, true).join();
            return;
        } catch (CompletionException e) {
            failure = e.getCause();
        } finally {
            sendLock.unlock();
        }
        throw sendFailed(failure);
    }

    /** Says goodbye (within 5 s, or drops the socket: a send stuck on a dead line must not hold up Ctrl-C). */
    @Override
    public void close() {
        try {
            if (sendLock.tryLock(5, TimeUnit.SECONDS)) {
                try {
                    if (!socket.isOutputClosed()) {
                        socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
                        return;
                    }
                } finally {
                    sendLock.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // a dead line: drop it
        }
        socket.abort();
    }

    private static final class Listener implements WebSocket.Listener {
        private final Handler handler;
        private final CompletableFuture<Void> ready;
        private final StringBuilder text = new StringBuilder();
        private final AtomicBoolean ended = new AtomicBoolean();
        /** When the last frame came from the server (System.nanoTime()). */
        private volatile long heard = System.nanoTime();

        Listener(Handler handler, CompletableFuture<Void> ready) {
            this.handler = handler;
            this.ready = ready;
        }

        boolean ended() {
            return ended.get();
        }

        /**
         * The one way the connection ends, at most once: drops the socket (so nothing of it lingers,
         * and a late close of the old socket cannot look like one of the next; after a close frame
         * the JDK answers and closes it) and tells whoever waits: before "ready" {@link #open},
         * which throws, and after it the handler.
         */
        void end(WebSocket socket, int code, String reason) {
            end(socket, code, reason, refusal(code, reason), true);
        }

        private void end(WebSocket socket, int code, String reason, Throwable beforeReady, boolean drop) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            if (drop) {
                socket.abort();
            }
            if (!ready.completeExceptionally(beforeReady)) {
                handler.onClosed(code, reason);
            }
        }

        private static ApiException refusal(int code, String reason) {
            return new ApiException(code == 4401 ? 401 : code == 4403 ? 403 : code == 4410 ? 410 : 500,
                    "socket-" + code, reason.isEmpty() ? "the server closed the connection (" + code + ")" : reason);
        }

        /** {@link #open} failed: drop the socket without telling the handler. */
        void abandon(WebSocket socket) {
            ended.set(true);
            socket.abort();
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            heard = System.nanoTime();
            if (ended.get()) {
                return null; // a message that was on its way when the connection ended is not acted on
            }
            if (text.length() + data.length() > MAX_TEXT) {
                end(socket, 1009, "the server sent a message larger than " + MAX_TEXT + " characters");
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
            heard = System.nanoTime();
            socket.request(1); // the server sends no binary messages to sharers
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket socket, ByteBuffer message) {
            heard = System.nanoTime(); // the JDK answers with a pong by itself
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket socket, ByteBuffer message) {
            heard = System.nanoTime();
            socket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
            end(socket, code, reason, refusal(code, reason), false); // the JDK answers the close, then closes the socket
            return null;
        }

        @Override
        public void onError(WebSocket socket, Throwable error) {
            end(socket, DROPPED, error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage(), error, true);
        }
    }
}
