package app.dragnshare.server.session;

import java.time.Duration;
import java.util.List;

import io.helidon.http.Status;

import app.dragnshare.server.http.ApiException;
import app.dragnshare.server.redis.Keys;
import app.dragnshare.server.redis.Scripts;

import redis.clients.jedis.UnifiedJedis;

/**
 * Counters in Redis (so they hold across instances) for session creation and failed joins per
 * client address. Failed joins are kept per address as one bounded hash (session id to failures):
 * a guesser gets few tries per session and few sessions per window, and joins on sessions that do
 * not exist cost no key of their own. Sessions that exist and sessions that do not are counted
 * alike, so the limits cannot tell which ones exist.
 */
public final class RateLimits {
    private final UnifiedJedis redis;
    private final Duration window;
    private final int sessionsPerWindow;
    private final int failedJoinsPerWindow;
    private final int joinSessionsPerWindow;

    public RateLimits(UnifiedJedis redis, Duration window, int sessionsPerWindow, int failedJoinsPerWindow,
                      int joinSessionsPerWindow) {
        this.redis = redis;
        this.window = window;
        this.sessionsPerWindow = sessionsPerWindow;
        this.failedJoinsPerWindow = failedJoinsPerWindow;
        this.joinSessionsPerWindow = joinSessionsPerWindow;
    }

    public void countSessionCreation(String address) {
        long count = Scripts.COUNT_IN_WINDOW.runForLong(redis, List.of(Keys.sessionsCreated(address)), windowMillis());
        if (count > sessionsPerWindow) {
            throw tooMany("too many sessions created from your address; try again in " + minutes());
        }
    }

    /**
     * Refuses a join attempt when this address already failed too often on this session, or
     * failed on too many sessions; checked before the code, so a refused attempt learns nothing.
     */
    public void checkJoin(String sessionId, String address) {
        if (Scripts.JOIN_ALLOWED.runForLong(redis, List.of(Keys.joinFailures(address)), sessionId,
                Integer.toString(failedJoinsPerWindow), Integer.toString(joinSessionsPerWindow)) == 0) {
            throw tooMany("too many wrong join codes from your address; try again in " + minutes());
        }
    }

    public void countFailedJoin(String sessionId, String address) {
        Scripts.COUNT_JOIN_FAILURE.run(redis, List.of(Keys.joinFailures(address)), windowMillis(), sessionId,
                Integer.toString(joinSessionsPerWindow));
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
