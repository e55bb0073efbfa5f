package app.dragnshare.server.session;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
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
 * alike, so the limits cannot tell which ones exist. An IPv6 client usually holds a whole /64,
 * so IPv6 addresses are counted by their /64.
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
        long count = Scripts.COUNT_IN_WINDOW.runForLong(redis, List.of(Keys.sessionsCreated(counted(address))), windowMillis());
        if (count > sessionsPerWindow) {
            throw tooMany("too many sessions created from your address; try again in " + minutes());
        }
    }

    /**
     * Refuses a join attempt when this address already failed too often on this session, or
     * failed on too many sessions; checked before the code, so a refused attempt learns nothing.
     */
    public void checkJoin(String sessionId, String address) {
        if (Scripts.JOIN_ALLOWED.runForLong(redis, List.of(Keys.joinFailures(counted(address))), sessionId,
                Integer.toString(failedJoinsPerWindow), Integer.toString(joinSessionsPerWindow)) == 0) {
            throw tooMany("too many wrong join codes from your address; try again in " + minutes());
        }
    }

    public void countFailedJoin(String sessionId, String address) {
        Scripts.COUNT_JOIN_FAILURE.run(redis, List.of(Keys.joinFailures(counted(address))), windowMillis(), sessionId,
                Integer.toString(joinSessionsPerWindow));
    }

    /** What a limit counts by: an IPv4 address as it is, an IPv6 address by its /64 ("2001:0db8:0000:0001::/64"). */
    static String counted(String address) {
        String literal = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        int zone = literal.indexOf('%');
        literal = zone < 0 ? literal : literal.substring(0, zone);
        if (literal.indexOf(':') < 0 || !literal.matches("[0-9A-Fa-f:.]{2,45}")) {
            return address;
        }
        try {
            // a literal with ':' is parsed, never looked up in DNS; an IPv4-mapped one comes back as IPv4
            InetAddress parsed = InetAddress.getByName(literal);
            if (!(parsed instanceof Inet6Address)) {
                return parsed.getHostAddress();
            }
            byte[] prefix = Arrays.copyOf(parsed.getAddress(), 8);
            String hex = HexFormat.of().formatHex(prefix);
            return hex.substring(0, 4) + ":" + hex.substring(4, 8) + ":" + hex.substring(8, 12) + ":" + hex.substring(12) + "::/64";
        } catch (UnknownHostException e) {
            return address;
        }
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
