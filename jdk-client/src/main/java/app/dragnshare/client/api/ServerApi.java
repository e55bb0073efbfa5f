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

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import app.dragnshare.client.json.Json;
import app.dragnshare.client.json.JsonException;
import app.dragnshare.client.json.JsonFields;

/**
 * The server's REST API, on {@link HttpClient}; the two calls a receiver makes per file on
 * blocking connections ({@link BlockingPosts}). Tokens travel only in the Authorization header.
 */
public final class ServerApi {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** A download stream this long without a byte (heartbeats come every 10 s at most) is dead. */
    private static final Duration STREAM_SILENCE = Duration.ofSeconds(45);

    private final URI server;
    private final HttpClient http;
    /** The two calls a receiver makes per file (download, report), on blocking connections. */
    private final BlockingPosts posts;

    public ServerApi(URI server) {
        this(server, ServerTrust.jdkDefault());
    }

    /** A server whose HTTPS certificate is checked as {@code trust} says (the JDK's way, or a pinned fingerprint). */
    public ServerApi(URI server, ServerTrust trust) {
        this.server = URI.create(server.toString().replaceAll("/+$", ""));
        SSLContext tls = trust.sslContext();
        this.posts = new BlockingPosts(this, tls);
        this.http = HttpClient.newBuilder()
                .sslContext(tls)
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

    /** A file to register: its name (a relative path), size and MIME type. */
    public record NewFile(String name, long size, String type) {
    }

    /** Files registered per request at most (the server's limit). */
    private static final int FILES_PER_REQUEST = 1000;
    /** A request body this size fits the server's default MAX_REQUEST_BYTES (64 KiB) with room to spare. */
    private static final int BATCH_BYTES = 48 * 1024;

    /**
     * Registers many files in few requests (a tree is not a request per file); returns their ids
     * in order. A server with a smaller request limit answers 413: that batch is sent in halves.
     */
    public List<String> registerFiles(Membership me, List<NewFile> files) throws ApiException, UnreachableException {
        List<String> ids = new ArrayList<>(files.size());
        List<Map<String, Object>> batch = new ArrayList<>();
        int bytes = 0;
        for (NewFile file : files) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", file.name());
            entry.put("size", file.size());
            entry.put("type", file.type());
            int length = Json.write(entry).length() + 1;
            if (!batch.isEmpty() && (batch.size() == FILES_PER_REQUEST || bytes + length > BATCH_BYTES)) {
                ids.addAll(register(me, batch));
                batch = new ArrayList<>();
                bytes = 0;
            }
            batch.add(entry);
            bytes += length;
        }
        if (!batch.isEmpty()) {
            ids.addAll(register(me, batch));
        }
        return ids;
    }

    private List<String> register(Membership me, List<Map<String, Object>> batch) throws ApiException, UnreachableException {
        JsonFields body;
        try {
            body = send(post("/api/sessions/" + me.sessionId() + "/files", me.token(), Map.of("files", batch)), 201);
        } catch (ApiException e) {
            if (e.status() != 413 || batch.size() == 1 || !"too-large".equals(e.code())) {
                throw e;
            }
            List<String> ids = new ArrayList<>(register(me, batch.subList(0, batch.size() / 2)));
            ids.addAll(register(me, batch.subList(batch.size() / 2, batch.size())));
            return ids;
        }
        List<String> ids = new ArrayList<>(batch.size());
        for (JsonFields f : field(() -> body.objects("files"))) {
            ids.add(field(() -> f.string("id")));
        }
        if (ids.size() != batch.size()) {
            throw new ApiException(201, "bad-response", "the server registered " + ids.size() + " of " + batch.size() + " files");
        }
        return ids;
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

    /** The protocol version the server speaks (PROTOCOL.md §11): 1 when it does not say. */
    public long protocol() throws ApiException, UnreachableException {
        JsonFields body = send(request("/api/info", null).GET().build(), 200);
        return field(() -> body.number("protocol", 1));
    }

    /**
     * Starts a download from chunk {@code start} (0: the whole file); the returned stream carries
     * offer, chunk, end and error events. {@code paced}: the receiver acknowledges each verified
     * chunk on its member socket, and the server runs at most a small window ahead (PROTOCOL.md §7).
     */
    public EventStream download(Membership me, String fileId, String transferId, String publicKey, String hmac,
                                long start, boolean paced, int maxLine) throws ApiException, UnreachableException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("transferId", transferId);
        body.put("publicKey", publicKey);
        body.put("hmac", hmac);
        if (start > 0) {
            body.put("start", start);
        }
        if (paced) {
            body.put("pace", true);
        }
        // a stream: the server sends a heartbeat at least every 10 s, so this much silence means a dead connection
        return posts.stream("/api/sessions/" + me.sessionId() + "/files/" + fileId + "/transfers", me.token(),
                Json.write(body), STREAM_SILENCE, maxLine);
    }

    /**
     * Tells the sharer, through the server, how far this receiver has verified transfer
     * {@code transferId} (PROTOCOL.md §5.6), with the receipt ({@code receipt}) or a failed check
     * ({@code failed}, "tampered") when there is one.
     */
    public void report(Membership me, String transferId, long verified, String receipt, String failed)
            throws ApiException, UnreachableException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("verified", verified);
        if (receipt != null) {
            body.put("receipt", receipt);
        }
        if (failed != null) {
            body.put("failed", failed);
        }
        posts.send("/api/sessions/" + me.sessionId() + "/transfers/" + transferId + "/report", me.token(), Json.write(body),
                204, REQUEST_TIMEOUT);
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

    static String describe(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    static ApiException error(int status, String body) {
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
