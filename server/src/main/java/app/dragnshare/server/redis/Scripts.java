package app.dragnshare.server.redis;

/** The Lua scripts; each touches only keys of one hash tag. */
public final class Scripts {
    private Scripts() {
    }

    /**
     * RPUSH ARGV[2..] onto KEYS[1] with TTL ARGV[1] ms, but only while KEYS[2] (the other side's
     * liveness mark) exists; returns the new length, or -1 when the other side is gone. Atomic,
     * so nothing is ever pushed for a side that has already cleaned up and left.
     */
    public static final Script PUSH_WHILE_PRESENT = new Script("""
            if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
            local n = redis.call('RPUSH', KEYS[1], unpack(ARGV, 2))
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return n""");

    /**
     * As {@link #PUSH_WHILE_PRESENT} for one value ARGV[3], unless list KEYS[1] already holds ARGV[2]
     * entries: then returns -2 and pushes nothing (a receiver's reports cannot pile up).
     */
    public static final Script PUSH_CAPPED_WHILE_PRESENT = new Script("""
            if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
            if redis.call('LLEN', KEYS[1]) >= tonumber(ARGV[2]) then return -2 end
            local n = redis.call('RPUSH', KEYS[1], ARGV[3])
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return n""");

    /**
     * A paced download's acknowledgement that reached another instance than its stream
     * (PROTOCOL.md §6.2): when KEYS[1] (who may report on the transfer) is ARGV[2] and the
     * receiver's stream runs (its mark KEYS[4] exists), raises the count KEYS[3] to ARGV[3] (TTL
     * ARGV[1] ms) and returns KEYS[2], the wake-up id the stream registered (nil while it has none:
     * the stream reads the count when it starts waiting). Nil for someone else's transfer, or one
     * whose stream ended (a late acknowledgement must not leave a key behind).
     */
    public static final Script ACKNOWLEDGE = new Script("""
            if redis.call('GET', KEYS[1]) ~= ARGV[2] or redis.call('EXISTS', KEYS[4]) == 0 then return false end
            local count = tonumber(ARGV[3])
            if count > tonumber(redis.call('GET', KEYS[3]) or '-1') then
              redis.call('SET', KEYS[3], ARGV[3], 'PX', ARGV[1])
            end
            return redis.call('GET', KEYS[2])""");

    /**
     * Pops the head of inbox KEYS[1], unless it is a download request and ARGV[1] is "0" (its
     * socket has no transfer slot free): then returns 0 and the request keeps waiting in Redis.
     * Nil when the inbox is empty. (The server writes every inbox message: each is a JSON object.)
     */
    public static final Script TAKE_FROM_INBOX = new Script("""
            local head = redis.call('LINDEX', KEYS[1], 0)
            if not head then return false end
            if ARGV[1] == '0' and cjson.decode(head).type == 'request' then return 0 end
            return redis.call('LPOP', KEYS[1])""");

    /**
     * Puts message ARGV[2] back at the head of inbox KEYS[1] with TTL ARGV[1] ms (the pop that
     * took it may have emptied, so deleted, the list), only while the member's session exists
     * (KEYS[2]); returns the new length, or -1 when the session is gone.
     */
    public static final Script PUT_BACK = new Script("""
            if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
            local n = redis.call('LPUSH', KEYS[1], ARGV[2])
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return n""");

    /**
     * Queues the session event ARGV[2] in inbox KEYS[1] unless the same event is already waiting
     * there (the page refreshes everything on any one of them, so one pending copy says it all).
     * A new list gets the TTL ARGV[1] ms; an existing one is renewed only while its member is
     * connected (KEYS[2], the presence key exists), so events never keep an absent member's inbox
     * alive. Returns the new length, or 0 when coalesced.
     */
    public static final Script PUSH_EVENT = new Script("""
            if redis.call('LPOS', KEYS[1], ARGV[2]) then return 0 end
            local n = redis.call('RPUSH', KEYS[1], ARGV[2])
            if n == 1 or redis.call('EXISTS', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            return n""");

    /**
     * Queues the download request ARGV[2] in inbox KEYS[1] unless it already holds ARGV[3]
     * entries; TTL as for {@link #PUSH_EVENT}. Returns {new length or -1 when full, the member's
     * connection id (KEYS[2], the presence key) or ""}: whom to wake.
     */
    public static final Script PUSH_REQUEST = new Script("""
            local owner = redis.call('GET', KEYS[2]) or ''
            if redis.call('LLEN', KEYS[1]) >= tonumber(ARGV[3]) then return {-1, owner} end
            local n = redis.call('RPUSH', KEYS[1], ARGV[2])
            if n == 1 or owner ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            return {n, owner}""");

    /**
     * Reads one client address's failed-join record KEYS[1] (a hash: session id to failures):
     * 1 when a join on session ARGV[1] may be tried, 0 when this address failed ARGV[2] times on
     * it, or failed on ARGV[3] other sessions already. Reads only, so it never creates a key.
     */
    public static final Script JOIN_ALLOWED = new Script("""
            local failures = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
            if failures >= tonumber(ARGV[2]) then return 0 end
            if failures == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
            return 1""");

    /**
     * Counts a failed join on session ARGV[2] in the address's record KEYS[1], which holds at most
     * ARGV[3] sessions (a full record counts nothing new: JOIN_ALLOWED refuses those sessions). The
     * record's first failure starts its window of ARGV[1] ms. Returns the session's failures.
     */
    public static final Script COUNT_JOIN_FAILURE = new Script("""
            if redis.call('HEXISTS', KEYS[1], ARGV[2]) == 0 and redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then
              return 0
            end
            local n = redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
            if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            return n""");

    /** INCR KEYS[1]; the first increment starts a window of ARGV[1] ms. Returns the count. */
    public static final Script COUNT_IN_WINDOW = new Script("""
            local n = redis.call('INCR', KEYS[1])
            if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            return n""");

    /** PEXPIRE every key of KEYS that exists to ARGV[1] ms; returns how many existed. */
    public static final Script TOUCH = new Script("""
            local n = 0
            for _, key in ipairs(KEYS) do n = n + redis.call('PEXPIRE', key, ARGV[1]) end
            return n""");

    /** HSET KEYS[1] ARGV[2] ARGV[3] unless the hash already has ARGV[4] fields; PEXPIRE ARGV[1]. 1 = added, 0 = full, -1 = no session. */
    public static final Script ADD_BOUNDED = new Script("""
            if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
            if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then return 0 end
            redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return 1""");

    /** DEL KEYS[1] if it holds ARGV[1]; returns 1 if deleted. */
    public static final Script DELETE_IF_EQUAL = new Script("""
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0""");

    /** SET KEYS[1] ARGV[2] PX ARGV[1] and return the value it held before (nil if none). */
    public static final Script SWAP = new Script("""
            local old = redis.call('GET', KEYS[1])
            redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[1])
            return old""");

    /**
     * Renews presence KEYS[1] for connection ARGV[2] (TTL ARGV[1] ms): 1 when it held ARGV[2] or
     * had lapsed (then it is set again: a connection that is still open is still the member's),
     * 0 when another connection holds it, -1 when session KEYS[2] is gone (nothing is set then).
     */
    public static final Script RENEW_PRESENCE = new Script("""
            local owner = redis.call('GET', KEYS[1])
            if owner and owner ~= ARGV[2] then return 0 end
            if not owner and redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
            redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[1])
            return 1""");

    /**
     * The receiver's side of a transfer in one round trip: hands back ARGV[2] credits (RPUSH onto
     * KEYS[3], TTL ARGV[1] ms, only while KEYS[4], the sharer side's mark, exists), then takes
     * what waits: a control message from KEYS[1] first ({'c', message}), else a chunk from KEYS[2]
     * with how many chunks still wait behind it ({'d', chunk, count}), else {'e'}.
     */
    public static final Script GRANT_AND_TAKE = new Script("""
            local n = tonumber(ARGV[2])
            if n > 0 and redis.call('EXISTS', KEYS[4]) == 1 then
              local credits = {}
              for i = 1, n do credits[i] = '1' end
              redis.call('RPUSH', KEYS[3], unpack(credits))
              redis.call('PEXPIRE', KEYS[3], ARGV[1])
            end
            local message = redis.call('LPOP', KEYS[1])
            if message then return {'c', message} end
            local chunk = redis.call('LPOP', KEYS[2])
            if chunk then return {'d', chunk, redis.call('LLEN', KEYS[2])} end
            return {'e'}""");

    /**
     * The sharer's side of a transfer in one round trip: pushes the chunk ARGV[2], if not empty,
     * onto KEYS[1] (TTL ARGV[1] ms, only while KEYS[2], the receiver side's mark, exists), then takes a control
     * message from KEYS[3] ({'c', message}) or else up to ARGV[3] credits from KEYS[4] ({'k', count}).
     */
    public static final Script PUSH_AND_TAKE_CREDITS = new Script("""
            if ARGV[2] ~= '' and redis.call('EXISTS', KEYS[2]) == 1 then
              redis.call('RPUSH', KEYS[1], ARGV[2])
              redis.call('PEXPIRE', KEYS[1], ARGV[1])
            end
            local message = redis.call('LPOP', KEYS[3])
            if message then return {'c', message} end
            local credits = redis.call('LPOP', KEYS[4], ARGV[3])
            if credits then return {'k', #credits} end
            return {'k', 0}""");
}
