package app.dragnshare.server.session;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.json.JsonObject;

import app.dragnshare.server.redis.Keys;
import app.dragnshare.server.redis.Scripts;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.KeyValue;

/**
 * A member's inbox: the list in Redis where download requests and session events wait until
 * that member's socket (on whichever instance it is connected) takes them with a blocking pop.
 */
public final class Inbox {
    private final UnifiedJedis redis;
    private final Duration ttl;

    public Inbox(UnifiedJedis redis, Duration ttl) {
        this.redis = redis;
        this.ttl = ttl;
    }

    public void push(String sessionId, String memberId, JsonObject message) {
        Scripts.PUSH.run(redis, List.of(Keys.inbox(sessionId, memberId)), Long.toString(ttl.toMillis()), message.toString());
    }

    /** Tells every listed member; used for events that change what their page shows. */
    public void pushAll(String sessionId, List<MemberRecord> members, JsonObject message) {
        for (MemberRecord member : members) {
            push(sessionId, member.id(), message);
        }
    }

    /** Blocks up to {@code timeout} for the next message. */
    public Optional<JsonObject> take(String sessionId, String memberId, Duration timeout) {
        KeyValue<String, String> popped = redis.blpop(timeout.toMillis() / 1000.0, Keys.inbox(sessionId, memberId));
        return popped == null ? Optional.empty() : Optional.of(SessionStore.parse(popped.getValue()));
    }
}
