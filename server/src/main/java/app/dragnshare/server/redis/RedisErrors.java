package app.dragnshare.server.redis;

import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/** Tells Redis being full (maxmemory with noeviction refuses writes) from Redis being unreachable. */
public final class RedisErrors {
    private RedisErrors() {
    }

    /**
     * True when Redis refused a write because it reached maxmemory: the service is busy, not
     * broken. Plain commands answer "OOM …"; inside a Lua script the same refusal comes wrapped
     * in "ERR Error running script … -OOM command not allowed …".
     */
    public static boolean isFull(JedisException e) {
        String message = e.getMessage();
        return e instanceof JedisDataException && message != null
                && (message.startsWith("OOM") || message.contains("-OOM command not allowed"));
    }

    /** True when every connection of the pool was in use for the whole wait: this instance is busy, Redis is fine. */
    public static boolean isPoolExhausted(JedisException e) {
        return e.getCause() instanceof java.util.NoSuchElementException;
    }
}
