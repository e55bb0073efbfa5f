package app.dragnshare.server.download;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The paced stream's window: two chunks ahead at first, wider only when the link (not the receiver) is what limits. */
class ReceiverPaceTest {
    private static final long MS = 1_000_000;

    @Test
    void twoChunksMayBeOnTheirWayBeyondWhatWasAcknowledged() {
        ReceiverPace pace = new ReceiverPace(10, 64); // a resumed download from chunk 10
        assertTrue(pace.hasRoom(10));
        assertTrue(pace.hasRoom(11));
        assertFalse(pace.hasRoom(12), "a third chunk waits for an acknowledgement");
        pace.written(10, 0);
        pace.written(11, 0);
        pace.acknowledged(11, 12, true, 5 * MS);
        assertEquals(11, pace.verified());
        assertTrue(pace.hasRoom(12));
        assertFalse(pace.hasRoom(13));
    }

    @Test
    void aCountBeyondWhatWasWrittenCountsAsWhatWasWritten() {
        ReceiverPace pace = new ReceiverPace(0, 64);
        pace.written(0, 0);
        pace.acknowledged(1_000, 1, true, MS);
        assertEquals(1, pace.verified());
        pace.acknowledged(0, 1, true, 2 * MS);
        assertEquals(1, pace.verified(), "a lower count changes nothing");
    }

    @Test
    void aLongRoundTripWithoutQueueingWidensTheWindowAndQueueingNarrowsItToTwo() {
        ReceiverPace pace = new ReceiverPace(0, 8);
        long now = 0;
        long next = 0;
        // every acknowledgement comes 50 ms after its chunk's write, and the stream always waited:
        // the link is the limit, so the window grows (not on the first sample: it is its own minimum)
        for (int i = 0; i < 20; i++) {
            while (pace.hasRoom(next)) {
                pace.written(next++, now);
            }
            now += 50 * MS;
            pace.acknowledged(next, next, true, now);
        }
        assertEquals(8, pace.window(), "grown to its largest");
        // now each acknowledgement takes four times as long: chunks queue somewhere, so it narrows
        for (int i = 0; i < 20; i++) {
            while (pace.hasRoom(next)) {
                pace.written(next++, now);
            }
            now += 200 * MS;
            pace.acknowledged(next, next, true, now);
        }
        assertEquals(ReceiverPace.MIN, pace.window(), "back to the smallest window");
    }

    @Test
    void theFirstAcknowledgementAloneDoesNotWidenTheWindow() {
        ReceiverPace pace = new ReceiverPace(0, 8);
        pace.written(0, 0);
        pace.written(1, 0);
        pace.acknowledged(1, 2, true, 3_000 * MS); // a slow receiver's first acknowledgement
        assertEquals(ReceiverPace.MIN, pace.window());
    }
}
