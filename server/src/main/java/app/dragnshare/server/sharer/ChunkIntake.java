package app.dragnshare.server.sharer;

import app.dragnshare.server.websocket.Payload;

/**
 * The sharer socket's chunk intake without a socket or Redis, for measuring it
 * ({@code benchmarks/.../WebSocketIntakeBenchmark}): the parts of binary messages go through the
 * socket's own {@link ChunkAssembler} into exactly sized elements ({@code index || ciphertext}),
 * made per chunk as {@code OutgoingTransfer.startChunk} makes them. Not used by the server.
 */
public final class ChunkIntake {
    private final ChunkAssembler assembler;
    private byte[] completed;

    /** @param cipherLength ciphertext bytes of every chunk (plaintext + 16-byte tag) */
    public ChunkIntake(int cipherLength) {
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

    /** One part of a binary message; the completed element once a part ends a chunk, else null. */
    public byte[] accept(Payload part, boolean last) {
        try {
            assembler.accept(part, last);
        } catch (ProtocolException e) {
            throw new IllegalArgumentException("the assembler refused the message: " + e.getMessage(), e);
        }
        byte[] element = completed;
        completed = null;
        return element;
    }
}
