package app.dragnshare.server.sharer;

/** A sharer's client broke the protocol; its socket is closed with this reason (and close code 4400). */
final class ProtocolException extends Exception {
    ProtocolException(String message) {
        super(message, null, false, false);
    }
}
