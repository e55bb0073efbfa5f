package app.dragnshare.server.transfer;

import java.util.Base64;

import io.helidon.common.buffers.BufferData;

/**
 * Reassembles one binary WebSocket message, {@code transferId (16 bytes) || index (4 bytes BE) ||
 * ciphertext}, which may arrive in several parts. Once the header is in, the transfer says how
 * long the chunk must be, and the rest is copied straight into the Redis element
 * {@code index || ciphertext}: one copy, of exactly the right size.
 */
final class ChunkAssembler {
    static final int HEADER_LENGTH = 20;

    /** Where assembled chunks go. */
    interface Target {
        /** The element buffer for this chunk, index already in its first 4 bytes; null to discard the message. */
        byte[] start(String transferId, long index) throws ProtocolException;

        void complete(String transferId, byte[] element) throws ProtocolException;
    }

    private final Target target;
    private final long maxMessage;
    private final byte[] header = new byte[HEADER_LENGTH];
    private int headerFill;
    private String transferId;
    private byte[] element;
    private int fill;
    private long discarded;

    ChunkAssembler(Target target, long maxMessage) {
        this.target = target;
        this.maxMessage = maxMessage;
    }

    void accept(BufferData data, boolean last) throws ProtocolException {
        while (data.available() > 0) {
            if (headerFill < HEADER_LENGTH) {
                headerFill += data.read(header, headerFill, HEADER_LENGTH - headerFill);
                if (headerFill == HEADER_LENGTH) {
                    startChunk();
                }
            } else if (element == null) {
                discarded += data.available();
                data.skip(data.available());
                if (discarded > maxMessage) {
                    throw new ProtocolException("binary message too long");
                }
            } else {
                int n = Math.min(data.available(), element.length - fill);
                if (n == 0) {
                    throw new ProtocolException("chunk longer than its transfer allows");
                }
                fill += data.read(element, fill, n);
            }
        }
        if (last) {
            try {
                if (headerFill < HEADER_LENGTH) {
                    throw new ProtocolException("binary message shorter than its 20-byte header");
                }
                if (element != null) {
                    if (fill != element.length) {
                        throw new ProtocolException("chunk shorter than its transfer requires");
                    }
                    target.complete(transferId, element);
                }
            } finally {
                reset();
            }
        }
    }

    private void startChunk() throws ProtocolException {
        byte[] id = new byte[16];
        System.arraycopy(header, 0, id, 0, 16);
        transferId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        long index = ((header[16] & 0xFFL) << 24) | ((header[17] & 0xFF) << 16) | ((header[18] & 0xFF) << 8) | (header[19] & 0xFF);
        element = target.start(transferId, index);
        if (element != null) {
            System.arraycopy(header, 16, element, 0, 4);
            fill = 4;
        }
    }

    private void reset() {
        headerFill = 0;
        transferId = null;
        element = null;
        fill = 0;
        discarded = 0;
    }
}
