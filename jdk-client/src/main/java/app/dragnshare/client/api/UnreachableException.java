package app.dragnshare.client.api;

/** The server could not be reached at all (or, as {@link UntrustedServerException}, not trusted to be the right one). */
public class UnreachableException extends Exception {
    public UnreachableException(String message, Throwable cause) {
        super(message, cause);
    }
}
