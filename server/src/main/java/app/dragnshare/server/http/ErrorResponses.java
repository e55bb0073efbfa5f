package app.dragnshare.server.http;

import static app.dragnshare.server.http.JsonBuilders.JSON;

import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.http.HttpException;
import io.helidon.http.RequestException;
import io.helidon.http.Status;
import io.helidon.webserver.http.ErrorHandler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import jakarta.json.JsonException;

import app.dragnshare.server.redis.RedisErrors;
import app.dragnshare.server.web.SecurityHeaders;

import redis.clients.jedis.exceptions.JedisException;

/**
 * Turns every failure into {@code {error, message}} JSON with a fitting status. The client never
 * sees a stack trace; unexpected failures are logged here with one.
 */
public final class ErrorResponses {
    private static final Logger LOG = Logger.getLogger(ErrorResponses.class.getName());

    private static final String RETRY_AFTER_SECONDS = "5";

    private ErrorResponses() {
    }

    public static void register(HttpRouting.Builder routing) {
        routing.error(ApiException.class, withHeaders((req, res, e) -> send(res, e.status(), e.code(), e.getMessage())))
                .error(JsonException.class, withHeaders((req, res, e) ->
                        send(res, Status.BAD_REQUEST_400, "bad-json", "the request body breaks the JSON rules (" + StrictJson.RULES + ")")))
                .error(RequestException.class, withHeaders(ErrorResponses::requestFailed))
                .error(HttpException.class, withHeaders(ErrorResponses::httpException))
                .error(JedisException.class, withHeaders((req, res, e) -> {
                    if (RedisErrors.isFull(e)) {
                        LOG.warning("Redis is full (maxmemory); refusing " + req.prologue().method() + " " + req.path().absolute().path());
                        send(res, Status.SERVICE_UNAVAILABLE_503, "server-busy",
                                "the server is at capacity right now; try again in a moment");
                        return;
                    }
                    LOG.warning("Redis failed during " + req.prologue().method() + " " + req.path().absolute().path() + ": " + e);
                    send(res, Status.SERVICE_UNAVAILABLE_503, "unavailable",
                            "the server's database is unreachable; try again in a moment");
                }))
                .error(Exception.class, withHeaders((req, res, e) -> {
                    LOG.log(Level.SEVERE, "unexpected failure in " + req.prologue().method() + " " + req.path().absolute().path(), e);
                    send(res, Status.INTERNAL_SERVER_ERROR_500, "internal", "something went wrong on the server");
                }));
    }

    /** Error responses carry the same security headers as every other response. */
    private static <T extends Throwable> ErrorHandler<T> withHeaders(ErrorHandler<T> handler) {
        return (req, res, e) -> {
            if (!res.isSent()) {
                SecurityHeaders.apply(req, res);
            }
            handler.handle(req, res, e);
        };
    }

    public static void send(ServerResponse res, Status status, String code, String message) {
        if (res.isSent()) {
            return; // a stream was already under way; its own error event told the client
        }
        if (status.code() == 503) {
            res.header("Retry-After", RETRY_AFTER_SECONDS); // busy or briefly unavailable: clients come back, not at once
        }
        res.status(status).send(JSON.createObjectBuilder().add("error", code).add("message", message).build());
    }

    /** Helidon's own statuses: 304 and other bodiless ones as they are; a page address not found gets a page. */
    private static void httpException(ServerRequest req, ServerResponse res, HttpException e) {
        Status status = e.status();
        if (status.code() < 400) {
            if (!res.isSent()) {
                res.status(status).send();
            }
            return;
        }
        if (status.code() == 404 && !req.path().absolute().path().startsWith("/api/")
                && req.headers().isAccepted(io.helidon.common.media.type.MediaTypes.TEXT_HTML)) {
            res.status(status).headers().contentType(io.helidon.common.media.type.MediaTypes.TEXT_HTML);
            res.send(NOT_FOUND_PAGE);
            return;
        }
        send(res, status, status.code() == 404 ? "not-found" : "http-" + status.code(), status.reasonPhrase());
    }

    private static final String NOT_FOUND_PAGE = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not found · Drag-n-Share</title>
            <meta name="viewport" content="width=device-width, initial-scale=1"></head>
            <body><h1>Nothing here</h1><p>This address does not exist. <a href="/">Start sharing</a>, or check the invite link
            you were sent.</p></body></html>
            """;

    private static void requestFailed(ServerRequest req, ServerResponse res, RequestException e) {
        Status status = e.status();
        String message = switch (status.code()) {
            case 413 -> "the request body is too large";
            case 415 -> "send the body as application/json";
            default -> status.code() >= 500 ? "something went wrong on the server" : "the request could not be read";
        };
        send(res, status, status.code() == 413 ? "too-large" : "bad-request", message);
    }
}
