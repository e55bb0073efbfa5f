package app.dragnshare.server.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.helidon.common.buffers.BufferData;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Binary chunk messages arrive in any number of parts; they reassemble exactly, and junk is a protocol error. */
class ChunkAssemblerTest {

    /** A target that expects chunks of one length for one transfer. */
    private static final class Expecting implements ChunkAssembler.Target {
        final int length;
        final List<byte[]> completed = new ArrayList<>();

        Expecting(int length) {
            this.length = length;
        }

        private PartialChunk current;

        @Override
        public PartialChunk start(String transferId, long index) throws ProtocolException {
            if (index > 3) {
                throw new ProtocolException("chunk " + index + " was not requested");
            }
            if (current == null || current.index != index) {
                current = new PartialChunk(index, length);
            }
            return current;
        }

        @Override
        public void complete(String transferId, byte[] element) {
            completed.add(element);
            current = null;
        }
    }

    @Property(tries = 300)
    void anySplitReassemblesTheSameElement(@ForAll @IntRange(min = 16, max = 5000) int cipherLength,
                                           @ForAll @IntRange(max = 3) int index, @ForAll long seed) throws Exception {
        Random random = new Random(seed);
        byte[] message = new byte[20 + cipherLength];
        random.nextBytes(message);
        message[16] = 0;
        message[17] = 0;
        message[18] = 0;
        message[19] = (byte) index;
        Expecting target = new Expecting(cipherLength);
        ChunkAssembler assembler = new ChunkAssembler(target, 1 << 20);
        int at = 0;
        while (at < message.length) {
            int n = Math.min(message.length - at, 1 + random.nextInt(64));
            assembler.accept(BufferData.create(message, at, n), at + n == message.length);
            at += n;
        }
        assertEquals(1, target.completed.size());
        assertArrayEquals(Arrays.copyOfRange(message, 16, message.length), target.completed.getFirst());
    }

    @Property(tries = 200)
    void aChunkSentAsSeveralMessagesReassemblesTheSameElement(@ForAll @IntRange(min = 16, max = 5000) int cipherLength,
                                                              @ForAll @IntRange(min = 1, max = 900) int part,
                                                              @ForAll long seed) throws Exception {
        byte[] ciphertext = new byte[cipherLength];
        new Random(seed).nextBytes(ciphertext);
        Expecting target = new Expecting(cipherLength);
        ChunkAssembler assembler = new ChunkAssembler(target, 1 << 20);
        for (int at = 0; at < cipherLength; at += part) {
            int n = Math.min(part, cipherLength - at);
            byte[] message = new byte[20 + n];
            message[19] = 2; // every message carries the same header: chunk 2
            System.arraycopy(ciphertext, at, message, 20, n);
            assembler.accept(BufferData.create(message), true);
            assertEquals(at + n == cipherLength ? 1 : 0, target.completed.size());
        }
        byte[] expected = new byte[4 + cipherLength];
        expected[3] = 2;
        System.arraycopy(ciphertext, 0, expected, 4, cipherLength);
        assertArrayEquals(expected, target.completed.getFirst());
    }

    @Property(tries = 500)
    void junkIsAProtocolErrorOrAChunkNeverAnythingElse(@ForAll @Size(max = 300) byte[] junk,
                                                       @ForAll @IntRange(min = 16, max = 200) int expected) {
        ChunkAssembler assembler = new ChunkAssembler(new Expecting(expected), 1 << 20);
        try {
            assembler.accept(BufferData.create(junk), true);
        } catch (ProtocolException expectedFailure) {
            // the one allowed failure
        }
    }
}
