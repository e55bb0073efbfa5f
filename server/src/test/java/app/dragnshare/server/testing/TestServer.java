package app.dragnshare.server.testing;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.config.ServerConfig;
import app.dragnshare.server.relay.RelayTap;

/** Starts real server instances on free ports, all on the tests' Redis and one JWT key. */
public final class TestServer {
    public static final String JWT_KEY = "test-jwt-key-0123456789abcdefghijklmnopqrstuvwxyz";

    private TestServer() {
    }

    public static DragNShareServer start() {
        return start(Map.of(), RelayTap.NONE);
    }

    public static DragNShareServer start(Map<String, String> settings, RelayTap tap) {
        return DragNShareServer.start(config(settings), tap);
    }

    public static ServerConfig config(Map<String, String> settings) {
        return ServerConfig.from(environment(settings));
    }

    /** The tests' settings: free port, loopback, the tests' Redis and JWT key, generous rate limits. */
    public static Map<String, String> environment(Map<String, String> settings) {
        Map<String, String> env = new HashMap<>();
        env.put("PORT", "0");
        env.put("HOST", "127.0.0.1");
        env.put("REDIS_URL", TestRedis.url());
        env.put("JWT_KEY", JWT_KEY);
        env.put("SESSIONS_PER_WINDOW", "100000"); // the suite creates many sessions from one address
        env.put("SHUTDOWN_GRACE", "1s");
        env.put("MAX_CONNECTIONS_PER_ADDRESS", "100000"); // every client of the suite comes from 127.0.0.1
        env.putAll(settings);
        return env;
    }

    public static URI url(DragNShareServer server) {
        return URI.create("http://127.0.0.1:" + server.port());
    }
}
