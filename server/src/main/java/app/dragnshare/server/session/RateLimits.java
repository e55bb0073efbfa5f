package app.dragnshare.server.session;

import java.time.Duration;
import java.util.List;

import io.helidon.http.Status;

import app.dragnshare.server.http.ApiException;
import app.dragnshare.server.redis.Keys;
import app.dragnshare.server.redis.Scripts;

import redis.clients.jedis.UnifiedJedis;

/** Counters in Redis (so they hold across instances) for session creation and failed joins per client address. */
public final class RateLimits {
    private final UnifiedJedis redis;
    private final Duration window;
    private final int sessionsPerWindow;
    private final int failedJoinsPerWindow;

    public RateLimits(UnifiedJedis redis, Duration window, int sessionsPerWindow, int failedJoinsPerWindow) {
        this.redis = redis;
        this.window = window;
        this.sessionsPerWindow = sessionsPerWindow;
        this.failedJoinsPerWindow = failedJoinsPerWindow;
    }

    public void countSessionCreation(String address) {
        long count = Scripts.COUNT_IN_WINDOW.runForLong(redis, List.of(Keys.sessionsCreated(address)), windowMillis());
        if (count > sessionsPerWindow) {
            throw tooMany("too many sessions created from your address; try again in " + minutes());
        }
    }

    /** Refuses a join attempt when this address already failed too often on this session. */
    public void checkJoin(String sessionId, String address) {
        String count = redis.get(Keys.joinAttempts(sessionId, address));
        if (count != null && Long.parseLong(count) >= failedJoinsPerWindow) {
            throw tooMany("too many wrong join codes from your address; try again in " + minutes());
        }
    }

    public void countFailedJoin(String sessionId, String address) {
        Scripts.COUNT_IN_WINDOW.run(redis, List.of(Keys.joinAttempts(sessionId, address)), windowMillis());
    }

    private String windowMillis() {
        return Long.toString(window.toMillis());
    }

    private String minutes() {
        long m = Math.max(1, window.toMinutes());
        return m + (m == 1 ? " minute" : " minutes");
    }

    private static ApiException tooMany(String message) {
        return new ApiException(Status.TOO_MANY_REQUESTS_429, "rate-limited", message);
    }
}
