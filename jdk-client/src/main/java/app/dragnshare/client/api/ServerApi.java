package app.dragnshare.client.api;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import javax.net.ssl.SSLHandshakeException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import app.dragnshare.client.json.Json;
import app.dragnshare.client.json.JsonException;
import app.dragnshare.client.json.JsonFields;

/**
 * The server's REST API, on {@link HttpClient}. Tokens travel only in the Authorization header.
 */
public final class ServerApi {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final URI server;
    private final HttpClient http;

    public ServerApi(URI server) {
        this(server, ServerTrust.jdkDefault());
    }

    /** A server whose HTTPS certificate is checked as {@code trust} says (the JDK's way, or a pinned fingerprint). */
    public ServerApi(URI server, ServerTrust trust) {
        this.server = URI.create(server.toString().replaceAll("/+$", ""));
        this.http = HttpClient.newBuilder()
                .sslContext(trust.sslContext())
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    public URI server() {
        return server;
    }

    public HttpClient http() {
        return http;
    }

    public Membership createSession() throws ApiException, UnreachableException {
        JsonFields body = send(post("/api/sessions", null, Map.of()), 201);
        return membership(body, stringOrNull(body, "joinCode"));
    }

    public Membership join(String sessionId, String joinCode) throws ApiException, UnreachableException {
        JsonFields body = send(post("/api/sessions/" + sessionId + "/join", null, Map.of("joinCode", joinCode)), 201);
        return membership(body, joinCode);
    }

    public String registerFile(Membership me, String name, long size, String type) throws ApiException, UnreachableException {
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("name", name);
        file.put("size", size);
        file.put("type", type);
        JsonFields body = send(post("/api/sessions/" + me.sessionId() + "/files", me.token(), file), 201);
        return field(() -> body.string("id"));
    }

    public List<RemoteFile> listFiles(Membership me) throws ApiException, UnreachableException {
        JsonFields body = send(request("/api/sessions/" + me.sessionId() + "/files", me.token()).GET().build(), 200);
        List<RemoteFile> files = new ArrayList<>();
        for (JsonFields f : field(() -> body.objects("files"))) {
            files.add(field(() -> new RemoteFile(f.string("id"), f.string("name"), f.number("size"), f.string("type"),
                    f.string("ownerId"), f.string("ownerName"), f.bool("online"))));
        }
        return files;
    }

    /** Starts a download; the returned stream carries offer, chunk, end and error events. */
    public EventStream download(Membership me, String fileId, String transferId, String publicKey, String hmac,
                                int maxLine) throws ApiException, UnreachableException {
        HttpRequest request = request("/api/sessions/" + me.sessionId() + "/files/" + fileId + "/transfers", me.token())
                .timeout(Duration.ofDays(365)) // a stream; liveness is watched by heartbeats instead
                .header("Accept", "text/event-stream")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(Map.of(
                        "transferId", transferId, "publicKey", publicKey, "hmac", hmac))))
                .build();
        HttpResponse<InputStream> response = exchange(request, HttpResponse.BodyHandlers.ofInputStream());
        if (response.statusCode() != 200) {
            String text;
            try (InputStream in = response.body()) {
                text = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            } catch (IOException e) {
                text = "";
            }
            throw error(response.statusCode(), text);
        }
        return new EventStream(response.body(), maxLine);
    }

    /** The WebSocket URL of the sharer socket. */
    public URI socketUri() {
        String base = server.toString();
        return URI.create((base.startsWith("https:") ? "wss:" + base.substring(6) : "ws:" + base.substring(5)) + "/api/socket");
    }

    private HttpRequest post(String path, String token, Map<String, Object> body) {
        return request(path, token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)))
                .build();
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(server + path)).timeout(REQUEST_TIMEOUT);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private JsonFields send(HttpRequest request, int expected) throws ApiException, UnreachableException {
        HttpResponse<String> response = exchange(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        if (response.statusCode() != expected) {
            throw error(response.statusCode(), response.body());
        }
        try {
            return JsonFields.parse(response.body());
        } catch (JsonException e) {
            throw new ApiException(response.statusCode(), "bad-response", "the server's answer is not JSON: " + e.getMessage());
        }
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws UnreachableException {
        try {
            return http.send(request, handler);
        } catch (SSLHandshakeException e) {
            throw untrustedOr(e, "cannot talk to the server at " + server + " over HTTPS (" + describe(e) + ")");
        } catch (HttpConnectTimeoutException | ConnectException | UnresolvedAddressException e) {
            throw new UnreachableException("cannot reach the server at " + server + " (" + describe(e) + ")", e);
        } catch (HttpTimeoutException e) {
            throw new UnreachableException("the server at " + server + " did not answer in time", e);
        } catch (IOException e) {
            throw untrustedOr(e, "lost the connection to " + server + " (" + describe(e) + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnreachableException("interrupted", e);
        }
    }

    /** A refused certificate says so; any other failure of the connection is "unreachable" with {@code otherwise}. */
    UnreachableException untrustedOr(Throwable failure, String otherwise) {
        return ServerTrust.refusal(failure, server).map(UnreachableException.class::cast)
                .orElseGet(() -> new UnreachableException(otherwise, failure));
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static ApiException error(int status, String body) {
        try {
            JsonFields json = JsonFields.parse(body);
            return new ApiException(status, json.string("error", "http-" + status), json.string("message", "HTTP " + status));
        } catch (JsonException e) {
            return new ApiException(status, "http-" + status, "the server answered HTTP " + status);
        }
    }

    private static Membership membership(JsonFields body, String joinCode) throws ApiException {
        return field(() -> new Membership(body.string("sessionId"), body.string("name"), body.string("memberId"),
                body.string("role"), body.string("token"), joinCode));
    }

    private static String stringOrNull(JsonFields body, String name) throws ApiException {
        return field(() -> body.string(name, null));
    }

    private interface Read<T> {
        T get() throws JsonException;
    }

    private static <T> T field(Read<T> read) throws ApiException {
        try {
            return read.get();
        } catch (JsonException e) {
            throw new ApiException(200, "bad-response", "the server's answer is malformed: " + e.getMessage());
        }
    }
}
