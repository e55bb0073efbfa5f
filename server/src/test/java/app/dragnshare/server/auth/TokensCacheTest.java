package app.dragnshare.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/**
 * Verified tokens are remembered, so a receiver's many requests with one token cost a lookup
 * each; a remembered token is still refused once it expires, still bound to its session, and a
 * token it does not know is checked in full (a forged one refused) however full the memory is.
 */
class TokensCacheTest {
    private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();
    private static final Member GUEST = new Member("session-1", "member-1", Role.GUEST);

    /** A clock the test moves. */
    private static final class MovingClock extends Clock {
        private volatile Instant now = Instant.ofEpochSecond(1_800_000_000L);

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void aRememberedTokenIsRefusedOnceItExpiresAsAFreshCheckWouldRefuseIt() throws Exception {
        MovingClock clock = new MovingClock();
        Tokens tokens = new Tokens(KEY, Duration.ofHours(1), clock);
        String token = tokens.issue(GUEST);
        assertEquals(GUEST, tokens.verify(token, "session-1"));
        assertEquals(GUEST, tokens.verify(token, "session-1"), "the second time, from memory");

        clock.now = clock.now.plus(Duration.ofHours(1)); // exp itself: still valid, as the validator says
        assertEquals(GUEST, tokens.verify(token));
        assertEquals(GUEST, new Tokens(KEY, Duration.ofHours(1), clock).verify(token), "a fresh check agrees");

        clock.now = clock.now.plusSeconds(1);
        AuthException expired = assertThrows(AuthException.class, () -> tokens.verify(token));
        assertTrue(expired.getMessage().contains("expired"), expired.getMessage());
        assertThrows(AuthException.class, () -> new Tokens(KEY, Duration.ofHours(1), clock).verify(token),
                "a fresh check agrees");
    }

    @Test
    void aRememberedTokenIsStillBoundToItsSession() throws Exception {
        Tokens tokens = new Tokens(KEY, Duration.ofHours(1), Clock.systemUTC());
        String token = tokens.issue(GUEST);
        tokens.verify(token, "session-1");
        AuthException other = assertThrows(AuthException.class, () -> tokens.verify(token, "session-2"));
        assertTrue(other.forbidden(), "a valid token for another session is 403");
    }

    @Test
    void aFullMemoryForgetsTheOldestAndStillChecksEveryNewTokenInFull() throws Exception {
        Tokens tokens = new Tokens(KEY, Duration.ofHours(1), Clock.systemUTC());
        Tokens forger = new Tokens("another-key-another-key-another!!".getBytes(), Duration.ofHours(1), Clock.systemUTC());
        String first = tokens.issue(new Member("s", "m-first", Role.HOST));
        tokens.verify(first);
        for (int i = 0; i < Tokens.VERIFIED_KEPT + 10; i++) {
            tokens.verify(tokens.issue(new Member("s", "m-" + i, Role.GUEST)));
        }
        assertEquals("m-first", tokens.verify(first).memberId(), "a forgotten token verifies again in full");
        String forged = forger.issue(new Member("s", "m-0", Role.GUEST));
        assertThrows(AuthException.class, () -> tokens.verify(forged), "same member, another key: refused");
    }
}
