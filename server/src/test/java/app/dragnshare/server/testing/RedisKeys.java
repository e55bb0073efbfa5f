package app.dragnshare.server.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/** Looks into the tests' Redis: what keys exist, and whether every one of them will expire. */
public final class RedisKeys {
    private RedisKeys() {
    }

    public static void assertEveryKeyHasATtl(UnifiedJedis redis) {
        for (String key : keys("dns:*")) {
            long ttl = redis.pttl(key);
            assertTrue(ttl > 0 || ttl == -2, key + " has no TTL");
        }
    }

    public static List<String> keys(String pattern) {
        List<String> keys = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            ScanResult<String> page = TestRedis.client().scan(cursor, new ScanParams().match(pattern).count(500));
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return keys;
    }

    /** Waits up to 10 s for {@code condition}; a bounded wait for something that happens asynchronously. */
    public static void assertEventually(BooleanSupplier condition, String message) throws InterruptedException {
        assertEventually(condition, message, java.time.Duration.ofSeconds(10));
    }

    /** Waits up to {@code limit} for {@code condition}. */
    public static void assertEventually(BooleanSupplier condition, String message, java.time.Duration limit)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, message);
            Thread.sleep(50);
        }
    }
}
