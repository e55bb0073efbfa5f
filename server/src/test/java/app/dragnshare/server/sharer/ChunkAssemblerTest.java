package app.dragnshare.server.sharer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import io.helidon.common.buffers.BufferData;

import org.junit.jupiter.api.Test;

import app.dragnshare.server.testing.Fuzz;
import app.dragnshare.server.websocket.Payload;

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

    @Test
    void anySplitReassemblesTheSameElement() throws Exception {
        Random random = Fuzz.random("assembler-any-split");
        for (int i = 0; i < 300; i++) {
            int cipherLength = 16 + random.nextInt(5000 - 16 + 1);
            int index = random.nextInt(4);
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
                assembler.accept(Payload.of(BufferData.create(message, at, n)), at + n == message.length);
                at += n;
            }
            String tried = "try " + i + ", cipher length " + cipherLength + " [fuzz.seed=" + Fuzz.SEED + "]";
            assertEquals(1, target.completed.size(), tried);
            assertArrayEquals(Arrays.copyOfRange(message, 16, message.length), target.completed.getFirst(), tried);
        }
    }

    @Test
    void aChunkSentAsSeveralMessagesReassemblesTheSameElement() throws Exception {
        Random random = Fuzz.random("assembler-several-messages");
        for (int i = 0; i < 200; i++) {
            int cipherLength = 16 + random.nextInt(5000 - 16 + 1);
            int part = 1 + random.nextInt(900);
            String tried = "try " + i + ", cipher length " + cipherLength + ", parts of " + part + " [fuzz.seed=" + Fuzz.SEED + "]";
            byte[] ciphertext = new byte[cipherLength];
            random.nextBytes(ciphertext);
            Expecting target = new Expecting(cipherLength);
            ChunkAssembler assembler = new ChunkAssembler(target, 1 << 20);
            for (int at = 0; at < cipherLength; at += part) {
                int n = Math.min(part, cipherLength - at);
                byte[] message = new byte[20 + n];
                message[19] = 2; // every message carries the same header: chunk 2
                System.arraycopy(ciphertext, at, message, 20, n);
                assembler.accept(Payload.of(BufferData.create(message)), true);
                assertEquals(at + n == cipherLength ? 1 : 0, target.completed.size(), tried);
            }
            byte[] expected = new byte[4 + cipherLength];
            expected[3] = 2;
            System.arraycopy(ciphertext, 0, expected, 4, cipherLength);
            assertArrayEquals(expected, target.completed.getFirst(), tried);
        }
    }

    /** Anything but a ProtocolException escaping the assembler fails the test. */
    @Test
    void junkIsAProtocolErrorOrAChunkNeverAnythingElse() throws Exception {
        Random random = Fuzz.random("assembler-junk");
        for (int i = 0; i < 500; i++) {
            byte[] junk = Fuzz.bytes(random, 300);
            int expected = 16 + random.nextInt(200 - 16 + 1);
            ChunkAssembler assembler = new ChunkAssembler(new Expecting(expected), 1 << 20);
            try {
                assembler.accept(Payload.of(BufferData.create(junk)), true);
            } catch (ProtocolException expectedFailure) {
                // the one allowed failure
            }
        }
    }
}
