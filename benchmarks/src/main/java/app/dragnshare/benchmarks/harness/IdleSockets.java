package app.dragnshare.benchmarks.harness;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.json.Json;
import jakarta.json.JsonObject;

/**
 * Many sharer sockets that authenticate and then stay idle, as open tabs do: one shared JDK
 * HttpClient (one selector thread for all), sessions of up to 50 members made over REST. A
 * download request that reaches a socket is handed to {@code onRequest} with the member's index.
 */
public final class IdleSockets implements AutoCloseable {
    /** A member: its session, token and id. */
    public record Member(String sessionId, String token, String memberId) {
    }

    /** Called on the client's selector thread: must not block. */
    public interface RequestListener {
        void request(int member, JsonObject request, WebSocket socket);
    }

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    private final List<WebSocket> sockets = new ArrayList<>();
    private final AtomicInteger ready = new AtomicInteger();
    private final Map<Integer, AtomicInteger> closes = new ConcurrentHashMap<>();
    private final RequestListener onRequest;

    public IdleSockets(RequestListener onRequest) {
        this.onRequest = onRequest;
    }

    public HttpClient client() {
        return client;
    }

    /** Makes {@code count} members in sessions of {@code perSession} (one create and joins). */
    public List<Member> members(URI server, int count, int perSession) throws Exception {
        List<Member> members = new ArrayList<>();
        while (members.size() < count) {
            JsonObject created = post(server, "/api/sessions", null, "{}");
            String sessionId = created.getString("sessionId");
            members.add(new Member(sessionId, created.getString("token"), created.getString("memberId", "")));
            for (int i = 1; i < perSession && members.size() < count; i++) {
                JsonObject joined = post(server, "/api/sessions/" + sessionId + "/join", null,
                        "{\"joinCode\":\"" + created.getString("joinCode") + "\"}");
                members.add(new Member(sessionId, joined.getString("token"), joined.getString("memberId", "")));
            }
        }
        return members;
    }

    /** Opens one socket per member, {@code burst} handshakes at a time, each authenticating as it opens. */
    public void open(URI server, List<Member> members, int burst) throws Exception {
        URI ws = URI.create("ws://" + server.getAuthority() + "/api/socket");
        for (int from = 0; from < members.size(); from += burst) {
            List<CompletableFuture<WebSocket>> opening = new ArrayList<>();
            for (int i = from; i < Math.min(members.size(), from + burst); i++) {
                opening.add(client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(60))
                        .buildAsync(ws, new Listener(i, members.get(i).token())));
            }
            for (CompletableFuture<WebSocket> socket : opening) {
                sockets.add(socket.get(120, TimeUnit.SECONDS));
            }
        }
    }

    public int ready() {
        return ready.get();
    }

    public Map<Integer, AtomicInteger> closes() {
        return closes;
    }

    /** POSTs JSON and returns the JSON answer; fails on a status other than 200/201. */
    public JsonObject post(URI server, String path, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200 && response.statusCode() != 201) {
            throw new IllegalStateException(path + ": " + response.statusCode() + " " + response.body());
        }
        try (var reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readObject();
        }
    }

    @Override
    public void close() {
        sockets.forEach(WebSocket::abort);
        client.shutdownNow(); // pending downloads may still be open: do not wait for them

    }

    private final class Listener implements WebSocket.Listener {
        private final int member;
        private final String token;
        private StringBuilder text;

        Listener(int member, String token) {
            this.member = member;
            this.token = token;
        }

        @Override
        public void onOpen(WebSocket ws) {
            ws.sendText("{\"type\":\"auth\",\"token\":\"" + token + "\"}", true);
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            String message;
            if (text == null && last) {
                message = data.toString();
            } else {
                if (text == null) {
                    text = new StringBuilder();
                }
                text.append(data);
                if (!last) {
                    ws.request(1);
                    return null;
                }
                message = text.toString();
                text = null;
            }
            if (message.contains("\"type\":\"ready\"")) {
                ready.incrementAndGet();
            } else if (message.contains("\"type\":\"request\"")) {
                try (var reader = Json.createReader(new StringReader(message))) {
                    onRequest.request(member, reader.readObject(), ws);
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
