package app.dragnshare.server.session;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import jakarta.json.JsonObject;

import app.dragnshare.server.redis.Keys;
import app.dragnshare.server.redis.Script;
import app.dragnshare.server.redis.Scripts;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.KeyValue;

/**
 * A member's inbox: the list in Redis where download requests and session events wait until
 * that member's socket (on whichever instance it is connected) takes them with a blocking pop.
 * It stays small whatever other members do: an event already waiting is not queued again, at
 * most {@code maxRequests} entries are queued, and only a connected member's inbox has its TTL
 * renewed, so an absent member's inbox lapses at its first TTL.
 */
public final class Inbox {
    private final UnifiedJedis redis;
    private final Duration ttl;
    private final int maxRequests;

    public Inbox(UnifiedJedis redis, Duration ttl, int maxRequests) {
        this.redis = redis;
        this.ttl = ttl;
        this.maxRequests = maxRequests;
    }

    public int maxRequests() {
        return maxRequests;
    }

    /** Queues a download request for the file's owner; false when its inbox is full (nothing was queued). */
    public boolean pushRequest(String sessionId, String memberId, JsonObject request) {
        return push(Scripts.PUSH_REQUEST, sessionId, memberId, request.toString(), Integer.toString(maxRequests)) > 0;
    }

    /** Tells every listed member about a change their page shows (once, however many changes wait). */
    public void pushEvent(String sessionId, List<MemberRecord> members, JsonObject event) {
        for (MemberRecord member : members) {
            push(Scripts.PUSH_EVENT, sessionId, member.id(), event.toString());
        }
    }

    /** Blocks up to {@code timeout} for the next message. */
    public Optional<JsonObject> take(String sessionId, String memberId, Duration timeout) {
        KeyValue<String, String> popped = redis.blpop(timeout.toMillis() / 1000.0, Keys.inbox(sessionId, memberId));
        return popped == null ? Optional.empty() : Optional.of(SessionStore.parse(popped.getValue()));
    }

    private long push(Script script, String sessionId, String memberId, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = Long.toString(ttl.toMillis());
        System.arraycopy(args, 0, all, 1, args.length);
        return script.runForLong(redis, List.of(Keys.inbox(sessionId, memberId), Keys.online(sessionId, memberId)), all);
    }
}
