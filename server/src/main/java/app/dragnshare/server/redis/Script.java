package app.dragnshare.server.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.args.Rawable;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script run by its SHA-1, loaded on first use and again after a Redis restart. Scripts
 * make "write and set a TTL" one atomic step, so no key ever exists without its TTL.
 */
public final class Script {
    private final String source;
    private final byte[] sourceBytes;
    private final byte[] sha;

    public Script(String source) {
        this.source = source;
        this.sourceBytes = source.getBytes(StandardCharsets.UTF_8);
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(sourceBytes);
            this.sha = HexFormat.of().formatHex(digest).getBytes(StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Object run(UnifiedJedis redis, List<byte[]> keys, List<byte[]> args) {
        try {
            return redis.evalsha(sha, keys, args);
        } catch (JedisNoScriptException e) {
            return redis.eval(sourceBytes, keys, args);
        }
    }

    /**
     * Runs with arguments that may be large: each is a {@code byte[]} or a Jedis {@link Rawable}.
     * Jedis copies every {@code byte[]} argument ({@code RawableFactory.Raw}); a Rawable it sends
     * as it is, so a chunk goes to Redis without a copy of its own.
     */
    @SuppressWarnings("unchecked")
    public Object runUncopied(UnifiedJedis redis, List<byte[]> keys, List<?> args) {
        // Jedis's evalsha takes List<byte[]> but adds each element with add(Object), which sends a Rawable as is
        return run(redis, keys, (List<byte[]>) (List<?>) args);
    }

    /** A byte array Jedis sends without copying it first; the array must not change until the call returns. */
    public static Rawable uncopied(byte[] bytes) {
        return () -> bytes;
    }

    /** Runs with text keys and arguments. */
    public Object run(UnifiedJedis redis, List<String> keys, String... args) {
        return run(redis, keys.stream().map(Keys::bytes).toList(),
                java.util.Arrays.stream(args).map(Keys::bytes).toList());
    }

    /** Runs and reads an integer reply. */
    public long runForLong(UnifiedJedis redis, List<String> keys, String... args) {
        return ((Number) run(redis, keys, args)).longValue();
    }

    /** Queues a run on a pipeline (by its source: a pipeline cannot fall back from EVALSHA; Redis caches the compiled script). */
    public Response<Object> queue(AbstractPipeline pipeline, List<String> keys, String... args) {
        return pipeline.eval(source, keys, List.of(args));
    }

    @Override
    public String toString() {
        return source;
    }
}
