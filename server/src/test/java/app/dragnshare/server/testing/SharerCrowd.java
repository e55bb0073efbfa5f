package app.dragnshare.server.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Many sharer sockets from one test JVM: one shared HttpClient (a client per socket would cost a
 * selector thread each), each socket authenticates on open and then stays idle. Counts "ready"
 * replies and close codes; text messages other than "ready" go to {@code onText}.
 */
public final class SharerCrowd implements AutoCloseable {
    private final HttpClient client = HttpClient.newHttpClient();
    private final List<WebSocket> sockets = new ArrayList<>();
    private final AtomicInteger ready = new AtomicInteger();
    private final Map<Integer, AtomicInteger> closes = new ConcurrentHashMap<>();
    private final Consumer<String> onText;

    public SharerCrowd(Consumer<String> onText) {
        this.onText = onText;
    }

    /** A session and its members' tokens, the host's first. */
    public record Members(String sessionId, List<String> tokens) {
    }

    /** Creates one session on the server and joins it until it has {@code count} members. */
    public static Members members(URI server, int count) throws Exception {
        Http http = new Http(server);
        Http.Reply created = http.post("/api/sessions", null, "{}");
        String sessionId = created.json().getString("sessionId");
        String joinCode = created.json().getString("joinCode");
        List<String> tokens = new ArrayList<>();
        tokens.add(created.json().getString("token"));
        while (tokens.size() < count) {
            Http.Reply joined = http.post("/api/sessions/" + sessionId + "/join", null, "{\"joinCode\":\"" + joinCode + "\"}");
            if (joined.status() != 200 && joined.status() != 201) {
                throw new AssertionError("joining as member " + tokens.size() + ": " + joined.status() + " " + joined.body());
            }
            tokens.add(joined.json().getString("token"));
        }
        return new Members(sessionId, tokens);
    }

    /**
     * Opens one socket per token, {@code wave} at a time (a wave's handshakes run concurrently),
     * each authenticating as it opens; the next wave starts once this one is ready (or 60 s passed).
     */
    public void openInWaves(int port, List<String> tokens, int wave) throws Exception {
        for (int from = 0; from < tokens.size(); from += wave) {
            openAll(port, tokens.subList(from, Math.min(tokens.size(), from + wave)));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (ready.get() < Math.min(tokens.size(), from + wave) && closes.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
    }

    /** Opens one socket per token, all at once (the handshakes run concurrently), and authenticates each. */
    public void openAll(int port, List<String> tokens) throws Exception {
        URI uri = URI.create("ws://127.0.0.1:" + port + "/api/socket");
        List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
        for (String token : tokens) {
            opening.add(client.newWebSocketBuilder().buildAsync(uri, new Listener(token)));
        }
        for (CompletableFuture<WebSocket> socket : opening) {
            sockets.add(socket.get(60, TimeUnit.SECONDS));
        }
    }

    public int ready() {
        return ready.get();
    }

    /** Sockets the server closed with {@code code}. */
    public int closedWith(int code) {
        AtomicInteger n = closes.get(code);
        return n == null ? 0 : n.get();
    }

    /** Every close code seen, with how often. */
    public Map<Integer, AtomicInteger> closes() {
        return closes;
    }

    @Override
    public void close() {
        sockets.forEach(WebSocket::abort);
        client.close();
    }

    private final class Listener implements WebSocket.Listener {
        private final String token;
        private final StringBuilder text = new StringBuilder();

        Listener(String token) {
            this.token = token;
        }

        @Override
        public void onOpen(WebSocket ws) {
            ws.sendText("{\"type\":\"auth\",\"token\":\"" + token + "\"}", true);
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String message = text.toString();
                text.setLength(0);
                if (message.contains("\"type\":\"ready\"")) {
                    ready.incrementAndGet();
                } else {
                    onText.accept(message);
                }
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closes.computeIfAbsent(statusCode, c -> new AtomicInteger()).incrementAndGet();
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closes.computeIfAbsent(1006, c -> new AtomicInteger()).incrementAndGet();
        }
    }
}
