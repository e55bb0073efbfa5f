package app.dragnshare.server.session;

import java.time.Duration;
import java.util.List;

import app.dragnshare.server.redis.Keys;
import app.dragnshare.server.redis.Scripts;

import redis.clients.jedis.UnifiedJedis;

/**
 * Which members have a socket open, across all server instances: a short-lived key per member
 * that holds the id of its current connection. The connection renews it while it lives; a
 * newer connection of the same member takes it over, and the older one sees that and closes.
 */
public final class Presence {
    private final UnifiedJedis redis;
    private final Duration ttl;

    public Presence(UnifiedJedis redis, Duration ttl) {
        this.redis = redis;
        this.ttl = ttl;
    }

    public Duration ttl() {
        return ttl;
    }

    public void claim(String sessionId, String memberId, String connectionId) {
        Scripts.SWAP.run(redis, List.of(Keys.online(sessionId, memberId)), ttlMillis(), connectionId);
    }

    /** Renews the claim; false when another connection of the member has taken over (or it lapsed). */
    public boolean renew(String sessionId, String memberId, String connectionId) {
        return Scripts.REFRESH_IF_EQUAL.runForLong(redis, List.of(Keys.online(sessionId, memberId)),
                ttlMillis(), connectionId) == 1;
    }

    public void release(String sessionId, String memberId, String connectionId) {
        Scripts.DELETE_IF_EQUAL.run(redis, List.of(Keys.online(sessionId, memberId)), connectionId);
    }

    public boolean isOnline(String sessionId, String memberId) {
        return redis.exists(Keys.online(sessionId, memberId));
    }

    private String ttlMillis() {
        return Long.toString(ttl.toMillis());
    }
}
