package app.dragnshare.benchmarks.harness;

import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

import app.dragnshare.server.redis.FreePort;

import redis.clients.jedis.Jedis;

/**
 * A Redis the harness can read as well as the server: REDIS_URL when set, else a real
 * redis-server (the binary embedded-redis ships, as the server's own embedded one) on a loopback
 * port with a random password, which the server is then given as REDIS_URL. The soak reads its
 * INFO (connected clients, memory) and key count over time.
 */
public final class HarnessRedis implements AutoCloseable {
    private final String url;
    private final redis.embedded.RedisServer own;

    private HarnessRedis(String url, redis.embedded.RedisServer own) {
        this.url = url;
        this.own = own;
    }

    public static HarnessRedis start() throws IOException {
        String configured = System.getenv("REDIS_URL");
        if (configured != null && !configured.isBlank()) {
            return new HarnessRedis(configured, null);
        }
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        String password = HexFormat.of().formatHex(secret);
        int port = FreePort.find();
        redis.embedded.RedisServer server = redis.embedded.RedisServer.newRedisServer()
                .port(port)
                .bind("127.0.0.1")
                .setting("requirepass " + password)
                .setting("save \"\"")
                .setting("appendonly no")
                .setting("maxclients 10000")
                .soutListener(line -> { })
                .onShutdownForceStop(true)
                .build();
        server.start();
        return new HarnessRedis("redis://:" + password + "@127.0.0.1:" + port, server);
    }

    /** REDIS_URL for the server. */
    public String url() {
        return url;
    }

    public String description() {
        return own != null ? "a redis-server started by the harness" : "REDIS_URL";
    }

    /** INFO's fields (clients, memory, stats…) plus {@code keys} (DBSIZE). */
    public Map<String, String> info() {
        try (Jedis jedis = new Jedis(URI.create(url))) {
            Map<String, String> fields = new HashMap<>();
            for (String line : jedis.info().split("\r?\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && !line.startsWith("#")) {
                    fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
                }
            }
            fields.put("keys", Long.toString(jedis.dbSize()));
            return fields;
        }
    }

    @Override
    public void close() throws IOException {
        if (own != null) {
            own.stop();
        }
    }
}
