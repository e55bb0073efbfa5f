package app.dragnshare.server.relay;

/**
 * Why a transfer ended without its file: the {@code code} of the SSE {@code error} event and the
 * sharer's {@code cancel} message, with the sentence a person reads.
 */
public enum Failure {
    OWNER_OFFLINE("owner-offline", "the file's owner is offline; ask them to open the session again"),
    SENDER_GONE("sender-gone", "the sharer went away before the file was complete"),
    RECEIVER_GONE("receiver-gone", "the receiver went away before the file was complete"),
    UNAVAILABLE("unavailable", "the file is no longer shared"),
    DECLINED("declined", "the sharer declined this download"),
    TAMPERED("tampered", "the sharer's client saw this transfer altered on the way and stopped it"),
    /** The sharer declined "tampered": the request's HMAC failed, which is what a link with a mistyped secret gives. */
    UNVERIFIED("unverified", "the sharer could not verify this download request against the session's key: the "
            + "invite link may be incomplete or mistyped (check it with the sender); otherwise someone altered the connection"),
    CANCELLED("cancelled", "the transfer was cancelled"),
    TIMEOUT("timeout", "the sharer did not answer in time"),
    STALLED("stalled", "no data moved for too long"),
    BAD_OFFER("bad-offer", "the sharer's client sent an offer the server cannot accept"),
    SERVER_ERROR("server-error", "the server lost its connection to its database; try again"),
    SERVER_BUSY("server-busy", "the server is at capacity right now; try again in a moment"),
    SHUTTING_DOWN("shutting-down", "the server is restarting; try again in a moment"),
    BAD_START("bad-start", "the download asked to resume beyond the end of the file; start again from the beginning"),
    RESUME_UNSUPPORTED("resume-unsupported", "the sharer's app cannot resume a download; start again from the beginning");

    private final String code;
    private final String message;

    Failure(String code, String message) {
        this.code = code;
        this.message = message;
    }

    public String code() {
        return code;
    }

    public String message() {
        return message;
    }

    /** A code a sharer's client may send when it declines (anything else becomes "declined"). */
    public static Failure fromDecline(String code) {
        return switch (code) {
            case "unavailable" -> UNAVAILABLE;
            case "tampered" -> UNVERIFIED;
            case "bad-start" -> BAD_START;
            default -> DECLINED;
        };
    }
}
