package app.dragnshare.server.testing;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import jakarta.json.Json;
import jakarta.json.JsonObject;

/** Raw HTTP for tests that send what a well-behaved client would not. */
public final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final URI base;

    public Http(URI base) {
        this.base = base;
    }

    /** Status and parsed JSON body (empty object when there is none). */
    public record Reply(int status, JsonObject json, String body) {
        public String error() {
            return json.getString("error", "");
        }
    }

    public Reply get(String path, String token) throws Exception {
        return send(builder(path, token).GET());
    }

    public Reply post(String path, String token, String body) throws Exception {
        return send(builder(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Reply post(String path, String token, String body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = builder(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        return send(request);
    }

    /**
     * A POST that sends its body only after the server said "100 Continue", as clients do for large
     * bodies: a server that refuses the request from its headers (413) then answers before any body
     * is on the way, instead of closing a connection the client is still writing to.
     */
    public Reply postExpectingContinue(String path, String token, String body) throws Exception {
        return send(builder(path, token).header("Content-Type", "application/json").expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Reply patch(String path, String token, String body) throws Exception {
        return send(builder(path, token).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)));
    }

    public Reply delete(String path, String token) throws Exception {
        return send(builder(path, token).DELETE());
    }

    private HttpRequest.Builder builder(String path, String token) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private Reply send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        String body = response.body();
        JsonObject json = Json.createObjectBuilder().build();
        if (body.startsWith("{")) {
            try (var reader = Json.createReader(new StringReader(body))) {
                json = reader.readObject();
            }
        }
        return new Reply(response.statusCode(), json, body);
    }
}
