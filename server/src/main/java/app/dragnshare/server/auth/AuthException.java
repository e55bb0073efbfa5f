package app.dragnshare.server.auth;

/** A token that does not let its bearer in; {@code forbidden} means valid but not for this. */
public final class AuthException extends Exception {
    private final boolean forbidden;

    public AuthException(String message, boolean forbidden) {
        super(message);
        this.forbidden = forbidden;
    }

    public boolean forbidden() {
        return forbidden;
    }
}
