package app.dragnshare.server.websocket;

/**
 * The client's connection ended (or failed) while a frame was being read, possibly in the middle
 * of a listener's {@link Payload#read}: a listener lets it pass, the connection reports a 1006.
 */
public final class ConnectionLost extends RuntimeException {
    ConnectionLost(String message, Throwable cause) {
        super(message, cause);
    }
}
