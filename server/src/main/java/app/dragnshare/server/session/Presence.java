package app.dragnshare.server.session;

import java.time.Duration;
import java.util.List;

import app.dragnshare.server.redis.Keys;
import app.dragnshare.server.redis.Scripts;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * Which members have a socket open, across all server instances: a short-lived key per member
 * that holds the id of its current connection. The connection renews it while it lives; a
 * newer connection of the same member takes it over, and the older one sees that and closes.
 * Only another connection's id means "replaced": a key that lapsed (a renewal came late, as in
 * a burst of connections) is taken back by the connection that still lives.
 */
public final class Presence {
    /** What a renewal found. */
    public enum Renewal { RENEWED, REPLACED, SESSION_GONE }

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

    /** Queues a renewal of the claim on a pipeline (an instance renews all its sockets' claims in one round trip). */
    public Response<Object> renew(AbstractPipeline pipeline, String sessionId, String memberId, String connectionId) {
        return Scripts.RENEW_PRESENCE.queue(pipeline, List.of(Keys.online(sessionId, memberId), Keys.session(sessionId)),
                ttlMillis(), connectionId);
    }

    /** Reads a queued renewal's answer. */
    public static Renewal renewal(Response<Object> answer) {
        long found = ((Number) answer.get()).longValue();
        return found == 1 ? Renewal.RENEWED : found == 0 ? Renewal.REPLACED : Renewal.SESSION_GONE;
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
