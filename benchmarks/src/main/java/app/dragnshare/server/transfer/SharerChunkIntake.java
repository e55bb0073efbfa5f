package app.dragnshare.server.transfer;

import io.helidon.common.buffers.BufferData;

/**
 * The server's own {@link ChunkAssembler}, as the sharer's socket drives it, without a socket:
 * a benchmark hands it the parts of one binary message and gets the Redis element
 * ({@code index || ciphertext}) back. It lives in the server's package because the assembler is
 * package-private; it changes nothing in the server. Element buffers are allocated per chunk,
 * exactly sized, as {@code OutgoingTransfer.startChunk} does.
 */
public final class SharerChunkIntake {
    private final ChunkAssembler assembler;
    private byte[] completed;

    /** @param cipherLength ciphertext bytes of every chunk (plaintext + 16-byte tag) */
    public SharerChunkIntake(int cipherLength) {
        this.assembler = new ChunkAssembler(new ChunkAssembler.Target() {
            @Override
            public PartialChunk start(String transferId, long index) {
                return new PartialChunk(index, cipherLength);
            }

            @Override
            public void complete(String transferId, byte[] element) {
                completed = element;
            }
        }, cipherLength + ChunkAssembler.HEADER_LENGTH);
    }

    /** One part of a binary message, as Helidon passes it to the socket's listener; the element once {@code last}. */
    public byte[] accept(BufferData part, boolean last) {
        try {
            assembler.accept(part, last);
        } catch (ProtocolException e) {
            throw new IllegalStateException("the assembler refused the message: " + e.getMessage(), e);
        }
        if (!last) {
            return null;
        }
        byte[] element = completed;
        completed = null;
        return element;
    }
}
