package app.dragnshare.server.websocket;

/** A client frame that breaks RFC 6455 or our limits: the connection closes with {@link #closeCode()}. */
public final class FrameException extends Exception {
    private final int closeCode;

    FrameException(int closeCode, String reason) {
        super(reason, null, false, false); // an expected outcome of bad input: no stack trace
        this.closeCode = closeCode;
    }

    public int closeCode() {
        return closeCode;
    }
}
