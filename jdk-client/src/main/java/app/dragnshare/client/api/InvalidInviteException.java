package app.dragnshare.client.api;

/** A link that is not a usable invite; the message says what is wrong with it. */
public final class InvalidInviteException extends Exception {
    public InvalidInviteException(String message) {
        super(message);
    }
}
