package app.dragnshare.server.redis;

/** The Lua scripts; each touches only keys of one hash tag. */
public final class Scripts {
    private Scripts() {
    }

    /** RPUSH ARGV[2..] onto KEYS[1] and set its TTL to ARGV[1] ms; returns the new length. */
    public static final Script PUSH = new Script("""
            local n = redis.call('RPUSH', KEYS[1], unpack(ARGV, 2))
            redis.call('PEXPIRE', KEYS[1], ARGV[1])
            return n""");

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

    /** PEXPIRE KEYS[1] ARGV[1] if it holds ARGV[2]; returns 1 if it still did. */
    public static final Script REFRESH_IF_EQUAL = new Script("""
            if redis.call('GET', KEYS[1]) == ARGV[2] then return redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
            return 0""");

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
