package app.dragnshare.server.websocket;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.Random;

import org.junit.jupiter.api.Test;

import app.dragnshare.server.testing.FrameSocket;
import app.dragnshare.server.testing.Fuzz;

/** Client frames of every length, split anyhow by the network, read back exactly; bad headers are refused with their close code. */
class FrameReaderTest {
    private static final int MAX = 1024 * 1024 + 64 * 1024; // the server's max-frame-length

    /** A reader over {@code wire}, which the "network" hands out in pieces of 1 to {@code maxPiece} bytes. */
    private static FrameReader reader(byte[] wire, int maxPiece, int window, Random random) {
        int[] at = {0};
        return new FrameReader(into -> {
            if (at[0] == wire.length) {
                return -1;
            }
            int n = Math.min(Math.min(1 + random.nextInt(maxPiece), into.length), wire.length - at[0]);
            System.arraycopy(wire, at[0], into, 0, n);
            at[0] += n;
            return n;
        }, new byte[window], MAX);
    }

    private static byte[] readAll(FrameReader reader, Random random) {
        byte[] out = new byte[reader.available()];
        int at = 0;
        while (reader.available() > 0) {
            at += reader.read(out, at, 1 + random.nextInt(out.length - at));
        }
        assertEquals(0, reader.read(out, 0, 0));
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    @Test
    void payloadsOfEveryLengthEncodingArriveExactlyHoweverTheNetworkSplitsThem() throws Exception {
        Random random = Fuzz.random("frame-lengths");
        for (int length : new int[] {0, 1, 7, 8, 125, 126, 127, 65535, 65536, 262164, MAX}) {
            byte[] payload = new byte[length];
            random.nextBytes(payload);
            for (int[] split : new int[][] {{1, 16}, {8192, BulkWsConnection.WINDOW}, {65536, 65536}, {3, 5}}) {
                if (split[0] < 8 && length > 70000) {
                    continue; // byte-sized network pieces of a megabyte: slow and proves nothing more
                }
                FrameReader reader = reader(FrameSocket.frame(true, FrameReader.BINARY, payload), split[0], split[1], random);
                assertEquals(FrameReader.BINARY, reader.next());
                assertTrue(reader.fin());
                assertEquals(length, reader.available());
                assertArrayEquals(payload, readAll(reader, random), "length " + length + ", split " + split[0]);
            }
        }
    }

    @Test
    void aFragmentedMessageWithControlFramesBetweenItsFragmentsReadsInOrder() throws Exception {
        Random random = Fuzz.random("frame-fragments");
        byte[] a = new byte[3000];
        byte[] b = new byte[70000];
        byte[] c = new byte[1];
        random.nextBytes(a);
        random.nextBytes(b);
        byte[] wire = concat(
                FrameSocket.frame(false, FrameReader.BINARY, a),
                FrameSocket.frame(true, FrameReader.PING, "are you there".getBytes()),
                FrameSocket.frame(false, FrameReader.CONTINUATION, b),
                FrameSocket.frame(true, FrameReader.PONG, new byte[0]),
                FrameSocket.frame(true, FrameReader.CONTINUATION, c),
                FrameSocket.frame(true, FrameReader.TEXT, "{}".getBytes()));
        FrameReader reader = reader(wire, 5000, 4096, random);
        assertEquals(FrameReader.BINARY, reader.next());
        assertFalse(reader.fin());
        assertArrayEquals(a, readAll(reader, random));
        assertEquals(FrameReader.PING, reader.next());
        assertArrayEquals("are you there".getBytes(), readAll(reader, random));
        assertEquals(FrameReader.CONTINUATION, reader.next());
        assertFalse(reader.fin());
        byte[] start = new byte[100];
        reader.readFully(start, 0, 100); // the rest of b is left unread: next() skips it
        assertEquals(FrameReader.PONG, reader.next());
        assertEquals(0, reader.available());
        assertEquals(FrameReader.CONTINUATION, reader.next());
        assertTrue(reader.fin());
        assertArrayEquals(c, readAll(reader, random));
        assertEquals(FrameReader.TEXT, reader.next());
        assertArrayEquals("{}".getBytes(), readAll(reader, random));
        assertThrows(ConnectionLost.class, reader::next, "the connection ended");
    }

    @Test
    void badHeadersAreRefusedWithTheirCloseCode() {
        Random random = Fuzz.random("frame-bad");
        byte[] small = new byte[10];
        assertCloses(1002, FrameSocket.frame(0x80 | 0x40 | FrameReader.BINARY, small, true), random); // RSV1
        assertCloses(1002, FrameSocket.frame(0x80 | 0x20 | FrameReader.TEXT, small, true), random); // RSV2
        assertCloses(1002, FrameSocket.frame(0x80 | 0x10 | FrameReader.BINARY, small, true), random); // RSV3
        for (int opcode : new int[] {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF}) {
            assertCloses(1002, FrameSocket.frame(0x80 | opcode, small, true), random);
        }
        assertCloses(1002, FrameSocket.frame(0x80 | FrameReader.BINARY, small, false), random); // unmasked
        assertCloses(1002, FrameSocket.frame(FrameReader.PING, small, true), random); // a fragmented control frame
        assertCloses(1002, FrameSocket.frame(true, FrameReader.PING, new byte[126]), random); // control over 125
        assertCloses(1002, FrameSocket.frame(true, FrameReader.CLOSE, new byte[200]), random);
        assertCloses(1009, FrameSocket.frame(true, FrameReader.BINARY, new byte[MAX + 1]), random);
        byte[] huge = {(byte) 0x82, (byte) (0x80 | 127), (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4};
        assertCloses(1002, huge, random); // a 64-bit length with its top bit set
        byte[] large = {(byte) 0x82, (byte) (0x80 | 127), 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4};
        assertCloses(1009, large, random); // 4 GiB
    }

    private static void assertCloses(int code, byte[] wire, Random random) {
        FrameException e = assertThrows(FrameException.class, () -> reader(wire, 100, 1024, random).next());
        assertEquals(code, e.closeCode(), e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }

    @Test
    void aConnectionThatEndsMidFrameIsNoticed() throws Exception {
        Random random = Fuzz.random("frame-cut");
        byte[] whole = FrameSocket.frame(true, FrameReader.BINARY, new byte[1000]);
        byte[] cutInPayload = java.util.Arrays.copyOf(whole, 500);
        FrameReader reader = reader(cutInPayload, 64, 1024, random);
        reader.next();
        byte[] into = new byte[1000];
        assertThrows(ConnectionLost.class, () -> reader.readFully(into, 0, 1000));
        byte[] cutInHeader = java.util.Arrays.copyOf(whole, 5);
        assertThrows(ConnectionLost.class, () -> reader(cutInHeader, 64, 1024, random).next());
    }
}
