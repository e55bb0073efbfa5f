package app.dragnshare.server.http;

import static app.dragnshare.server.http.JsonBuilders.JSON;

import java.nio.charset.StandardCharsets;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;


import app.dragnshare.server.web.SecurityHeaders;

/**
 * The answers Helidon writes itself, before any route runs: a body over MAX_REQUEST_BYTES (413),
 * an address or headers too long (414, 400), an unsupported HTTP version. Without this they go
 * out bare; with it they carry the same {@code {error, message}} JSON as {@link ErrorResponses},
 * the security headers, and {@code Cache-Control: no-store}.
 */
public final class HelidonRefusals implements DirectHandler {
    private static final HelidonRefusals INSTANCE = new HelidonRefusals();

    private HelidonRefusals() {
    }

    /** One handler for every kind of event, to give to the web server's {@code directHandlers}. */
    public static DirectHandlers all() {
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (EventType type : EventType.values()) {
            builder.addHandler(type, INSTANCE);
        }
        return builder.build();
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status status,
                                    ServerResponseHeaders headers, String message) {
        SecurityHeaders.apply(headers, true);
        headers.set(HeaderValues.CONTENT_TYPE_JSON);
        byte[] body = JSON.createObjectBuilder()
                .add("error", code(status))
                .add("message", sentence(status))
                .build().toString().getBytes(StandardCharsets.UTF_8);
        return TransportResponse.builder().status(status).headers(headers).entity(body).build();
    }

    /** Stable codes, the same as ErrorResponses gives for these statuses. */
    private static String code(Status status) {
        return switch (status.code()) {
            case 400 -> "bad-request";
            case 413 -> "too-large";
            case 414 -> "uri-too-long";
            case 431 -> "headers-too-large";
            case 500 -> "internal";
            case 503 -> "server-busy";
            default -> "http-" + status.code();
        };
    }

    private static String sentence(Status status) {
        return switch (status.code()) {
            case 400 -> "the request could not be read (malformed, or its headers are too large)";
            case 413 -> "the request body is too large";
            case 414 -> "the address is too long";
            case 431 -> "the request's headers are too large";
            case 500 -> "something went wrong on the server";
            case 503 -> "the server is at capacity right now; try again in a moment";
            case 505 -> "use HTTP/1.1";
            default -> status.reasonPhrase();
        };
    }
}
