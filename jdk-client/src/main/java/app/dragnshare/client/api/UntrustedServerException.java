package app.dragnshare.client.api;

/**
 * The HTTPS server's certificate was refused: the JDK does not trust it, or it is not the one
 * pinned with {@code --trust-fingerprint}. Nothing was sent to it. Retrying cannot help.
 */
public final class UntrustedServerException extends UnreachableException {
    public UntrustedServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
