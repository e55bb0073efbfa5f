package app.dragnshare.client.api;

/** The server could not be reached at all. */
public final class UnreachableException extends Exception {
    public UnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
