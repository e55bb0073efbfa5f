package app.dragnshare.server.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The sizing rule of a transfer's credit window, step by step. */
class CreditWindowTest {
    private static final long ELEMENT = 4 + 262_144 + 16;

    @Test
    void startsAtTheQueueDepthAndGrowsByOneCreditPerChunkTheReceiverHadToWaitFor() {
        CreditWindow window = new CreditWindow(8, 32 * ELEMENT, ELEMENT);
        assertEquals(8, window.size());
        assertEquals(2, window.taken(true, 0), "a chunk waited for: its credit back and one more");
        assertEquals(9, window.size());
        assertEquals(1, window.taken(false, 0), "a chunk that was already there: just its credit back");
        assertEquals(9, window.size());
    }

    @Test
    void growthAboutDoublesPerRoundTripAndStopsAtTheMaximumInBytes() {
        CreditWindow window = new CreditWindow(8, 8L * 1024 * 1024, ELEMENT);
        assertEquals(31, window.max(), "8 MiB of 256 KiB chunks with index and tag");
        // a long link: every chunk of a window arrives after the receiver asked for it
        int roundTrips = 0;
        while (window.size() < window.max()) {
            int size = window.size();
            for (int i = 0; i < size; i++) {
                window.taken(true, 0);
            }
            roundTrips++;
        }
        assertEquals(2, roundTrips, "8 → 16 → 31");
        for (int i = 0; i < 100; i++) {
            assertEquals(1, window.taken(true, 0), "no credit beyond the maximum");
        }
        assertEquals(31, window.size());
    }

    @Test
    void shrinksBackToTheQueueDepthWhileChunksPileUpForASlowReceiver() {
        CreditWindow window = new CreditWindow(8, 8L * 1024 * 1024, ELEMENT);
        for (int i = 0; i < 100; i++) {
            window.taken(true, 0);
        }
        assertEquals(31, window.size());
        assertEquals(1, window.taken(false, 14), "fewer than half the window waiting: kept");
        assertEquals(0, window.taken(false, 15), "half the window waiting: this credit is kept back");
        assertEquals(30, window.size());
        for (int i = 0; i < 100; i++) {
            window.taken(false, 20);
        }
        assertEquals(8, window.size(), "never below CHUNK_QUEUE_DEPTH");
        assertEquals(1, window.taken(false, 20));
    }

    @Test
    void aMaximumBelowTheQueueDepthKeepsTheQueueDepth() {
        CreditWindow window = new CreditWindow(8, 1024, ELEMENT);
        assertEquals(8, window.max());
        assertEquals(1, window.taken(true, 0));
        assertEquals(8, window.size());
    }
}
