package app.dragnshare.client.api;

/** The server refused a request: its HTTP status, its error code and its message. */
public final class ApiException extends Exception {
    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }
}
