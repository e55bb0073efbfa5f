package app.dragnshare.server.http;

import io.helidon.http.Status;

/**
 * A request that cannot be served, with what the client gets: an HTTP status, a stable
 * machine-readable code and a sentence a person can act on.
 */
public final class ApiException extends RuntimeException {
    private final Status status;
    private final String code;

    public ApiException(Status status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public Status status() {
        return status;
    }

    public String code() {
        return code;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(Status.BAD_REQUEST_400, "bad-request", message);
    }

    public static ApiException notFound(String code, String message) {
        return new ApiException(Status.NOT_FOUND_404, code, message);
    }

    public static ApiException conflict(String code, String message) {
        return new ApiException(Status.CONFLICT_409, code, message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(Status.FORBIDDEN_403, "forbidden", message);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(Status.UNAUTHORIZED_401, "unauthorized", message);
    }
}
