package app.dragnshare.server.session;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import jakarta.json.JsonObject;

import app.dragnshare.server.redis.Keys;
import app.dragnshare.server.redis.Script;
import app.dragnshare.server.redis.Scripts;
import app.dragnshare.server.wakeup.Wakeups;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;

/**
 * A member's inbox: the list in Redis where download requests and session events wait until
 * that member's socket (on whichever instance it is connected) takes them. A request wakes the
 * socket through {@link Wakeups}, and the socket pops without blocking, so a waiting socket holds
 * no Redis connection. It stays small whatever other members do: an event already waiting is not
 * queued again, at most {@code maxRequests} entries are queued, and only a connected member's
 * inbox has its TTL renewed, so an absent member's inbox lapses at its first TTL.
 */
public final class Inbox {
    private final UnifiedJedis redis;
    private final Wakeups wakeups;
    private final Duration ttl;
    private final int maxRequests;

    public Inbox(UnifiedJedis redis, Wakeups wakeups, Duration ttl, int maxRequests) {
        this.redis = redis;
        this.wakeups = wakeups;
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

    /**
     * Tells every listed member about a change their page shows (once, however many changes
     * wait), in one pipelined round trip. Wakes nobody: sockets find events at the upkeep's
     * re-check (within a second), so a burst of changes (a session of fifty connecting at once:
     * 50 x 49 events) costs each socket one pop a second, not one wake-up and pop per event.
     */
    public void pushEvent(String sessionId, List<MemberRecord> members, JsonObject event) {
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (MemberRecord member : members) {
                Scripts.PUSH_EVENT.queue(pipeline, keys(sessionId, member.id()), ttlMillis(), event.toString());
            }
            pipeline.sync();
        }
    }

    /** What {@link #take} found: a message, nothing ({@code message} null), or a request that must wait. */
    public record Taken(JsonObject message, boolean requestWaits) {
        static final Taken NOTHING = new Taken(null, false);
        static final Taken REQUEST_WAITS = new Taken(null, true);
    }

    /**
     * The next message, if one waits; never blocks. With {@code roomForRequest} false a download
     * request at the head stays in the inbox (session events never wait for a transfer slot).
     */
    public Taken take(String sessionId, String memberId, boolean roomForRequest) {
        Object reply = Scripts.TAKE_FROM_INBOX.run(redis, List.of(Keys.inbox(sessionId, memberId)), roomForRequest ? "1" : "0");
        if (reply == null) {
            return Taken.NOTHING;
        }
        if (reply instanceof Number) {
            return Taken.REQUEST_WAITS;
        }
        return new Taken(SessionStore.parse(text(reply)), false);
    }

    /**
     * Puts a message that was taken but could not be handed on back at the head of the inbox (while
     * the session exists), so the member's next connection takes it again.
     */
    public void putBack(String sessionId, String memberId, JsonObject message) {
        Scripts.PUT_BACK.run(redis, List.of(Keys.inbox(sessionId, memberId), Keys.session(sessionId)),
                ttlMillis(), message.toString());
    }

    /** Queues a look at how many messages wait (for the periodic re-check of all idle sockets in one round trip). */
    public Response<Long> waiting(AbstractPipeline pipeline, String sessionId, String memberId) {
        return pipeline.llen(Keys.inbox(sessionId, memberId));
    }

    /** Runs a push script and wakes the member's socket, wherever it is connected, when something was queued. */
    private long push(Script script, String sessionId, String memberId, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = ttlMillis();
        System.arraycopy(args, 0, all, 1, args.length);
        List<?> answer = (List<?>) script.run(redis, keys(sessionId, memberId), all);
        long length = ((Number) answer.get(0)).longValue();
        String owner = text(answer.get(1));
        if (length > 0 && !owner.isEmpty()) {
            wakeups.wake(owner);
        }
        return length;
    }

    private String ttlMillis() {
        return Long.toString(ttl.toMillis());
    }

    private static List<String> keys(String sessionId, String memberId) {
        return List.of(Keys.inbox(sessionId, memberId), Keys.online(sessionId, memberId));
    }

    /** A script's string reply: bytes when run by EVALSHA on byte arguments, a String from a pipeline's EVAL. */
    private static String text(Object reply) {
        return reply instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : String.valueOf(reply);
    }
}
