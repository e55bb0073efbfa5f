package app.dragnshare.server.websocket;

import io.helidon.common.buffers.BufferData;

/**
 * The bytes of one part of a binary message, read straight into the caller's array: from a
 * {@link FrameReader} they come unmasked from the socket buffer in one copy; {@link #of} adapts a
 * Helidon {@link BufferData} (tests, benchmarks, Helidon's own WebSocket connection).
 */
public interface Payload {
    /** Bytes of this part not yet read (they may still be on the network). */
    int available();

    /** Reads between 1 and {@code length} bytes (fewer when fewer are at hand), blocking for the first; 0 when none are left. */
    int read(byte[] to, int offset, int length);

    /** Passes over {@code length} bytes without copying them. */
    void skip(int length);

    static Payload of(BufferData data) {
        return new Payload() {
            @Override
            public int available() {
                return data.available();
            }

            @Override
            public int read(byte[] to, int offset, int length) {
                return data.read(to, offset, Math.min(length, data.available()));
            }

            @Override
            public void skip(int length) {
                data.skip(length);
            }
        };
    }
}
