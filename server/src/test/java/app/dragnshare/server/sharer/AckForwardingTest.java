package app.dragnshare.server.sharer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A socket's acknowledgements for streams elsewhere reach Redis only when they say something new, and only so many a second. */
class AckForwardingTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void onlyACountThatRoseGoesOn() {
        AckForwarding forwarding = new AckForwarding();
        assertTrue(forwarding.admits("a", 3, 1));
        assertFalse(forwarding.admits("a", 3, 2), "the same count again");
        assertFalse(forwarding.admits("a", 2, 3), "a lower one");
        assertTrue(forwarding.admits("a", 4, 4));
        assertTrue(forwarding.admits("b", 1, 5), "another transfer's");
    }

    @Test
    void atMostSoManyASecond() {
        AckForwarding forwarding = new AckForwarding();
        int admitted = 0;
        for (int i = 0; i < 3 * AckForwarding.PER_SECOND; i++) {
            if (forwarding.admits("t" + i, 1, SECOND / 2)) { // made-up transfers, all within one second
                admitted++;
            }
        }
        assertEquals(AckForwarding.PER_SECOND, admitted);
        assertTrue(forwarding.admits("next", 1, 2 * SECOND), "a new second has room again");
    }
}
