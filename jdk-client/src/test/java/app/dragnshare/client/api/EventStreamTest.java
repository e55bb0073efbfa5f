package app.dragnshare.client.api;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import app.dragnshare.client.Fuzz;

import org.junit.jupiter.api.Test;

class EventStreamTest {

    private static EventStream of(String text, int maxLine) {
        return new EventStream(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), maxLine);
    }

    @Test
    void readsNamedEventsIdsAndMultiLineData() throws IOException {
        EventStream events = of(":keep-alive\n\nevent: offer\ndata: {\"a\":1}\n\nid:7\nevent:chunk\ndata:QUJD\n\n"
                + "data: one\r\ndata: two\r\n\r\n", 1024);
        ServerEvent offer = events.next();
        assertEquals("offer", offer.name());
        assertEquals("{\"a\":1}", offer.text());
        ServerEvent chunk = events.next();
        assertEquals("chunk", chunk.name());
        assertEquals("7", chunk.id());
        assertEquals("QUJD", chunk.text());
        ServerEvent multi = events.next();
        assertEquals("message", multi.name());
        assertEquals("one\ntwo", multi.text());
        assertNull(events.next());
    }

    @Test
    void dropsAnEventCutOffByTheEndOfTheStream() throws IOException {
        assertNull(of("event: end\ndata: {}", 1024).next());
    }

    @Test
    void refusesLinesLongerThanTheLimit() {
        EventStream events = of("data: " + "A".repeat(5000) + "\n\n", 1000);
        assertThrows(IOException.class, events::next);
    }

    @Test
    void handlesBytesArrivingOneAtATime() throws IOException {
        byte[] bytes = "event: chunk\r\nid: 1\rdata: xyz\n\n".getBytes(StandardCharsets.UTF_8);
        InputStream trickle = new InputStream() {
            int i;

            @Override
            public int read() {
                return i < bytes.length ? bytes[i++] : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (i >= bytes.length) {
                    return -1;
                }
                b[off] = bytes[i++];
                return 1;
            }
        };
        ServerEvent event = new EventStream(trickle, 100).next();
        assertEquals("chunk", event.name());
        assertEquals("1", event.id());
        assertEquals("xyz", event.text());
    }

    @Test
    void longDataLinesArriveWholeHoweverTheReadsCutThem() throws IOException {
        // lines around and far beyond the first buffer (64 KiB), so it must move bytes and grow
        int[] lengths = {0, 1, 7, 8, 9, 65_530, 65_536, 65_541, 200_000, 349_528, 349_528, 349_528, 5, 349_528, 700_001};
        for (int attempt = 0; attempt < 40; attempt++) {
            java.util.Random random = Fuzz.random("longDataLinesArriveWholeHoweverTheReadsCutThem", attempt);
            java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
            java.util.List<String> expected = new java.util.ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String data = base64ish(random, lengths[random.nextInt(lengths.length)]);
                String end = new String[] {"\n", "\r\n", "\r"}[random.nextInt(3)];
                String comment = random.nextInt(4) == 0 ? ":heartbeat" + end : "";
                stream.writeBytes((comment + "event: chunk" + end + "id: " + i + end + "data: " + data + end + end)
                        .getBytes(StandardCharsets.US_ASCII));
                expected.add(data);
            }
            byte[] bytes = stream.toByteArray();
            EventStream events = new EventStream(new RandomReads(bytes, random), 1 << 20);
            for (int i = 0; i < expected.size(); i++) {
                switch (attempt % 3) { // the receiver's word on the length: right, wrong, or none
                    case 0 -> events.expectChunkData(expected.get(i).length());
                    case 1 -> events.expectChunkData(expected.get(i).length() + random.nextInt(3) - 1);
                    default -> events.expectChunkData(-1);
                }
                ServerEvent event = events.next();
                assertEquals("chunk", event.name());
                assertEquals(Integer.toString(i), event.id());
                assertTrue(expected.get(i).equals(event.text()), "the data of event " + i + " of attempt " + attempt);
            }
            assertNull(events.next());
        }
    }

    @Test
    void anEventsDataStaysPutWhileItsLaterLinesArrive() throws IOException {
        // the data line comes first, then an id line long enough to make the buffer move bytes
        String data = "QUJD".repeat(20_000);
        String text = "data: " + data + "\nid: " + "7".repeat(60_000) + "\n\n";
        EventStream events = new EventStream(new RandomReads(text.getBytes(StandardCharsets.US_ASCII),
                new java.util.Random(1)), 1 << 20);
        ServerEvent event = events.next();
        assertTrue(data.equals(event.text()), "the data line, kept while the long id line arrived");
        assertEquals(60_000, event.id().length());
    }

    private static String base64ish(java.util.Random random, int length) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return text.toString();
    }

    /** Hands out the bytes in reads of random sizes, from one byte to 100 KB, as a network would. */
    private static final class RandomReads extends InputStream {
        private final byte[] bytes;
        private final java.util.Random random;
        private int position;

        RandomReads(byte[] bytes, java.util.Random random) {
            this.bytes = bytes;
            this.random = random;
        }

        @Override
        public int read() {
            return position < bytes.length ? bytes[position++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (position == bytes.length) {
                return -1;
            }
            int most = random.nextInt(4) == 0 ? 1 + random.nextInt(16) : 1 + random.nextInt(100_000);
            int n = Math.min(Math.min(len, most), bytes.length - position);
            System.arraycopy(bytes, position, b, off, n);
            position += n;
            return n;
        }
    }

    @Test
    void arbitraryBytesNeverBreakTheReader() {
        for (int attempt = 0; attempt < 1000; attempt++) {
            byte[] bytes = attempt < Fuzz.EDGE_BYTES.size() ? Fuzz.EDGE_BYTES.get(attempt)
                    : Fuzz.bytes(Fuzz.random("arbitraryBytesNeverBreakTheReader", attempt), 2048);
            assertDoesNotThrow(() -> readAll(bytes), Fuzz.about(attempt, bytes));
        }
    }

    @Test
    void aChunksExpectedDataLengthFindsTheSameLinesAsTheSearchAndAWrongOneChangesNothing() throws IOException {
        String stream = "event: chunk\nid: 0\ndata: QUJDREVG\n\n"
                + "event: chunk\nid: 1\ndata: QUJD\r\n\r\n"
                + "event: chunk\nid: 2\ndata:QUJDREVG\n\n"                // no space: searched
                + "event: chunk\nid: 3\ndata: QUJD\nREVG\n\n"             // a line break where the end is expected
                + "event: error\ndata: {\"code\":\"sender-gone\"}\n\n";  // shorter than expected, then the end
        for (int[] hints : new int[][] {{8, 4, 8, 8, 8}, {4, 8, 2, 4, 1000}, {0, 0, 0, 0, 0}, {-1, -1, -1, -1, -1}}) {
            for (int readSize : new int[] {1, 3, 7, 4096}) {
                EventStream events = new EventStream(trickle(stream.getBytes(StandardCharsets.US_ASCII), readSize), 1024);
                String context = "hints " + java.util.Arrays.toString(hints) + ", reads of " + readSize;
                events.expectChunkData(hints[0]);
                assertEquals("QUJDREVG", events.next().text(), context);
                events.expectChunkData(hints[1]);
                assertEquals("QUJD", events.next().text(), context);
                events.expectChunkData(hints[2]);
                assertEquals("QUJDREVG", events.next().text(), context);
                events.expectChunkData(hints[3]);
                ServerEvent split = events.next();
                assertEquals("3", split.id(), context);
                assertEquals("QUJD", split.text(), context + ": the line ends at its first line break, as the format says");
                events.expectChunkData(hints[4]);
                ServerEvent error = events.next();
                assertEquals("error", error.name(), context);
                assertEquals("{\"code\":\"sender-gone\"}", error.text(), context);
                assertNull(events.next(), context);
            }
        }
    }

    @Test
    void anExpectedLengthNeverHidesTheLastEventBeforeTheStreamEnds() throws IOException {
        EventStream events = of("event: chunk\nid: 0\ndata: QUJD\n\n", 1024);
        events.expectChunkData(400);
        assertEquals("QUJD", events.next().text());
        assertNull(events.next());
    }

    @Test
    void aLineBreakInsideTheExpectedLengthIsLeftToTheDecoderWhichRefusesIt() throws IOException {
        EventStream events = of("event: chunk\nid: 0\ndata: QUJD\nREVG\n\n", 1024);
        events.expectChunkData(9);
        String data = events.next().text();
        assertEquals("QUJD\nREVG", data, "not searched: the line is taken as the expected length");
        assertThrows(IllegalArgumentException.class, () -> java.util.Base64.getDecoder().decode(data),
                "the receiver's base64 decoding refuses it (a chunk with a line break fails as tampered)");
    }

    private static InputStream trickle(byte[] bytes, int readSize) {
        return new InputStream() {
            int i;

            @Override
            public int read() {
                return i < bytes.length ? bytes[i++] & 0xFF : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (i == bytes.length) {
                    return -1;
                }
                int n = Math.min(Math.min(len, readSize), bytes.length - i);
                System.arraycopy(bytes, i, b, off, n);
                i += n;
                return n;
            }
        };
    }

    private static void readAll(byte[] bytes) {
        EventStream events = new EventStream(new ByteArrayInputStream(bytes), 256);
        try {
            while (events.next() != null) {
                // consume
            }
        } catch (IOException tooLong) {
            // the one allowed failure
        }
    }
}
