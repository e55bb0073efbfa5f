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
    void onLoopbackTheWindowStaysAtTwoAndTheReceiverNeverRunsDry() {
        ReceiverPace pace = new ReceiverPace(0, 256);
        double rate = simulate(pace, 50_000, MS, 4_000); // 50 µs each way, 1 ms to verify and store a chunk
        assertEquals(2, pace.window());
        assertTrue(rate > 0.97 * 1_000, "the receiver's full speed, 1,000 chunks a second: " + rate);
    }

    @Test
    void acrossALongRoundTripTheWindowGrowsToWhatTheLinkHolds() {
        ReceiverPace pace = new ReceiverPace(0, 256);
        double rate = simulate(pace, 25 * MS, 2 * MS, 4_000); // 25 ms each way, 2 ms a chunk: 26 chunks on their way
        assertTrue(pace.window() >= 24 && pace.window() <= 40, "window " + pace.window());
        assertTrue(rate > 0.9 * 500, "near the receiver's 500 chunks a second: " + rate);
    }

    @Test
    void theWindowFillsALongLinkWithinAFewRoundTrips() {
        ReceiverPace pace = new ReceiverPace(0, 256);
        long before = clock;
        simulate(pace, 25 * MS, 2 * MS, 100); // 100 chunks: slow start, not one chunk more a round
        assertTrue(pace.window() >= 16, "window " + pace.window() + " after " + (clock - before) / MS + " ms");
    }

    @Test
    void whenTheReceiverSlowsDownTheWindowNarrows() {
        ReceiverPace pace = new ReceiverPace(0, 256);
        simulate(pace, 25 * MS, 2 * MS, 2_000);
        int wide = pace.window();
        simulate(pace, 25 * MS, 20 * MS, 400); // a receiver ten times slower (a slow disk)
        assertTrue(pace.window() < wide / 3, "from " + wide + " to " + pace.window());
    }

    /**
     * A paced stream against a receiver {@code oneWay} ns away that takes {@code perChunk} ns to
     * verify and store each chunk; the server writes as soon as the window allows. Returns the
     * chunks a second over the second half of {@code chunks} chunks (after the window settled).
     */
    private static double simulate(ReceiverPace pace, long oneWay, long perChunk, int chunks) {
        long start = pace.verified();
        long end = start + chunks;
        java.util.ArrayDeque<long[]> acks = new java.util.ArrayDeque<>(); // {arrives at the server, count}
        long now = clock;
        long receiverFree = now;
        long next = start;
        long halfAt = 0;
        while (next < end) {
            if (pace.hasRoom(next)) {
                pace.written(next, now);
                long processed = Math.max(now + oneWay, receiverFree) + perChunk;
                receiverFree = processed;
                acks.add(new long[] {processed + oneWay, next + 1});
                if (++next == start + chunks / 2) {
                    halfAt = now;
                }
                continue;
            }
            long[] ack = acks.poll();
            boolean waited = ack[0] > now;
            now = Math.max(now, ack[0]);
            long count = ack[1];
            while (!acks.isEmpty() && acks.peek()[0] <= now) {
                count = acks.poll()[1];
            }
            pace.acknowledged(count, next, waited, now);
        }
        clock = receiverFree + oneWay;
        while (!acks.isEmpty()) {
            long[] ack = acks.poll();
            pace.acknowledged(ack[1], next, false, ack[0]);
        }
        return (chunks / 2) * 1e9 / (receiverFree - halfAt);
    }

    /** Simulated time goes on across the simulations of one test. */
    private static long clock = 1;

    @Test
    void theFirstAcknowledgementAloneDoesNotWidenTheWindow() {
        ReceiverPace pace = new ReceiverPace(0, 8);
        pace.written(0, 0);
        pace.written(1, 0);
        pace.acknowledged(1, 2, true, 3_000 * MS); // a slow receiver's first acknowledgement
        assertEquals(ReceiverPace.MIN, pace.window());
    }
}
