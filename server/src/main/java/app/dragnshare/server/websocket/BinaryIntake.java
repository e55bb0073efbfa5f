package app.dragnshare.server.websocket;

import io.helidon.websocket.WsSession;

/**
 * A {@link io.helidon.websocket.WsListener} that reads binary frames itself, so their bytes go
 * from the socket buffer into its own arrays in one unmasking copy. {@link BulkWsConnection}
 * calls this instead of {@code onMessage(WsSession, BufferData, boolean)} for every binary or
 * binary-continuation frame.
 */
public interface BinaryIntake {
    /**
     * One frame of a binary message. The payload is only valid during the call; what the
     * listener leaves unread is skipped. {@code last} is the frame's FIN bit.
     */
    void onBinary(WsSession session, Payload frame, boolean last);
}
