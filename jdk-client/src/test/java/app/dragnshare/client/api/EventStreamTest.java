package app.dragnshare.client.api;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
    void arbitraryBytesNeverBreakTheReader() {
        for (int attempt = 0; attempt < 1000; attempt++) {
            byte[] bytes = attempt < Fuzz.EDGE_BYTES.size() ? Fuzz.EDGE_BYTES.get(attempt)
                    : Fuzz.bytes(Fuzz.random("arbitraryBytesNeverBreakTheReader", attempt), 2048);
            assertDoesNotThrow(() -> readAll(bytes), Fuzz.about(attempt, bytes));
        }
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
