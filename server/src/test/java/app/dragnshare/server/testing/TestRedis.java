package app.dragnshare.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;

import app.dragnshare.server.redis.FreePort;

import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.embedded.RedisServer;

/**
 * The real Redis the tests share: {@code REDIS_URL} when set, else one embedded redis-server
 * (the binary embedded-redis ships) started once per test JVM with a password.
 */
public final class TestRedis {
    private static String url;
    private static UnifiedJedis client;

    private TestRedis() {
    }

    public static synchronized String url() {
        if (url == null) {
            String configured = System.getenv("REDIS_URL");
            url = configured != null && !configured.isBlank() ? configured : startEmbedded();
        }
        return url;
    }

    /** A client for tests that look into Redis directly. */
    public static synchronized UnifiedJedis client() {
        if (client == null) {
            client = RedisClient.create(URI.create(url()));
        }
        return client;
    }

    private static String startEmbedded() {
        int port = FreePort.find();
        String password = "test-" + Long.toHexString(System.nanoTime());
        try {
            RedisServer server = RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("requirepass " + password)
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .onShutdownForceStop(true)
                    .build();
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.stop();
                } catch (IOException ignored) {
                    // the JVM is going away anyway
                }
            }));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded Redis for the tests; set REDIS_URL "
                    + "to an installed Redis (apt-get install redis-server) instead", e);
        }
        return "redis://:" + password + "@127.0.0.1:" + port;
    }
}
