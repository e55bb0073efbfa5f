package app.dragnshare.server.sharer;

import java.util.Arrays;
import java.util.Base64;

import app.dragnshare.server.websocket.Payload;

/**
 * Reads one binary WebSocket message, {@code transferId (16 bytes) || index (4 bytes BE) ||
 * ciphertext bytes}, which may itself arrive in several frames. The header names the chunk; its
 * transfer says how long the chunk is and hands out the {@link PartialChunk} the bytes are copied
 * into, straight into the Redis element: one copy (from the socket buffer, unmasking, when the
 * payload comes from the server's {@code FrameReader}). A chunk may span several messages, each
 * with the same header (browsers cannot split a message into frames, so the page sends a chunk
 * as several messages).
 */
final class ChunkAssembler {
    static final int HEADER_LENGTH = 20;

    /** Where chunk bytes go. */
    interface Target {
        /** The chunk this message starts or continues; null to discard the message. */
        PartialChunk start(String transferId, long index) throws ProtocolException;

        void complete(String transferId, byte[] element) throws ProtocolException;
    }

    private final Target target;
    private final long maxMessage;
    private static final Base64.Encoder ID = Base64.getUrlEncoder().withoutPadding();

    private final byte[] header = new byte[HEADER_LENGTH];
    private final byte[] lastIdBytes = new byte[16];
    private String lastId;
    private int headerFill;
    private String transferId;
    private PartialChunk chunk;
    private long discarded;

    ChunkAssembler(Target target, long maxMessage) {
        this.target = target;
        this.maxMessage = maxMessage;
    }

    void accept(Payload data, boolean last) throws ProtocolException {
        while (data.available() > 0) {
            if (headerFill < HEADER_LENGTH) {
                headerFill += data.read(header, headerFill, HEADER_LENGTH - headerFill);
                if (headerFill == HEADER_LENGTH) {
                    startMessage();
                }
            } else if (chunk == null) {
                discarded += data.available();
                data.skip(data.available());
                if (discarded > maxMessage) {
                    throw new ProtocolException("binary message too long");
                }
            } else {
                int n = Math.min(data.available(), chunk.element.length - chunk.fill);
                if (n == 0) {
                    throw new ProtocolException("chunk " + chunk.index + " longer than its transfer allows");
                }
                chunk.fill += data.read(chunk.element, chunk.fill, n);
            }
        }
        if (last) {
            try {
                if (headerFill < HEADER_LENGTH) {
                    throw new ProtocolException("binary message shorter than its 20-byte header");
                }
                if (chunk != null && chunk.complete()) {
                    target.complete(transferId, chunk.element);
                }
            } finally {
                reset();
            }
        }
    }

    private void startMessage() throws ProtocolException {
        // the page sends each chunk as several messages with the same header: encode the id once
        if (lastId == null || !Arrays.equals(header, 0, 16, lastIdBytes, 0, 16)) {
            System.arraycopy(header, 0, lastIdBytes, 0, 16);
            lastId = ID.encodeToString(lastIdBytes);
        }
        transferId = lastId;
        long index = ((header[16] & 0xFFL) << 24) | ((header[17] & 0xFF) << 16) | ((header[18] & 0xFF) << 8) | (header[19] & 0xFF);
        chunk = target.start(transferId, index);
    }

    private void reset() {
        headerFill = 0;
        transferId = null;
        chunk = null;
        discarded = 0;
    }
}
