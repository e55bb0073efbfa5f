package app.dragnshare.server.redis;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

import app.dragnshare.server.config.ConfigException;
import app.dragnshare.server.config.ServerConfig;

import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * The server's Redis: the configured one (REDIS_URL or REDIS_CLUSTER_NODES), or else an
 * embedded real redis-server on a loopback port with a random password, stopped on close.
 */
public final class RedisConnection implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RedisConnection.class.getName());
    /** Longest BLPOP/BLMOVE timeout the server uses; the socket waits this plus a margin, so a dead Redis is noticed. */
    public static final Duration MAX_BLOCK = Duration.ofSeconds(3);

    private final UnifiedJedis client;
    private final Optional<EmbeddedRedis> embedded;
    private final String description;

    private RedisConnection(UnifiedJedis client, Optional<EmbeddedRedis> embedded, String description) {
        this.client = client;
        this.embedded = embedded;
        this.description = description;
    }

    public static RedisConnection open(ServerConfig config) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(config.redisPoolSize());
        pool.setMaxIdle(Math.min(64, config.redisPoolSize()));
        pool.setMinIdle(0);
        pool.setMaxWait(Duration.ofSeconds(5));
        // every second, PING idle connections and drop dead ones: after a Redis restart the pool
        // heals by itself instead of failing one request per stale connection
        pool.setTestWhileIdle(true);
        pool.setNumTestsPerEvictionRun(-1);
        pool.setTimeBetweenEvictionRuns(Duration.ofSeconds(1));
        pool.setJmxEnabled(false);

        if (!config.redisClusterNodes().isEmpty()) {
            Set<HostAndPort> nodes = new LinkedHashSet<>();
            for (String node : config.redisClusterNodes()) {
                nodes.add(HostAndPort.from(node));
            }
            JedisClientConfig clientConfig = clientConfig(null, config.redisPassword().orElse(null), 0, false);
            UnifiedJedis client = RedisClusterClient.builder().nodes(nodes).clientConfig(clientConfig).poolConfig(pool).build();
            return new RedisConnection(client, Optional.empty(), "Redis Cluster " + nodes);
        }
        if (config.redisUrl().isPresent()) {
            URI uri = parse(config.redisUrl().get());
            String password = Optional.ofNullable(JedisURIHelper.getPassword(uri)).or(config::redisPassword).orElse(null);
            JedisClientConfig clientConfig = clientConfig(JedisURIHelper.getUser(uri), password,
                    JedisURIHelper.getDBIndex(uri), JedisURIHelper.isRedisSSLScheme(uri));
            UnifiedJedis client = RedisClient.builder().hostAndPort(JedisURIHelper.getHostAndPort(uri))
                    .clientConfig(clientConfig).poolConfig(pool).build();
            return new RedisConnection(client, Optional.empty(),
                    "Redis at " + uri.getHost() + ":" + JedisURIHelper.getHostAndPort(uri).getPort());
        }
        String password = randomPassword();
        EmbeddedRedis embedded = EmbeddedRedis.start(password);
        UnifiedJedis client = RedisClient.builder().hostAndPort("127.0.0.1", embedded.port())
                .clientConfig(clientConfig(null, password, 0, false)).poolConfig(pool).build();
        return new RedisConnection(client, Optional.of(embedded),
                "embedded Redis on 127.0.0.1:" + embedded.port() + " (set REDIS_URL to use your own)");
    }

    /** Wraps a client made elsewhere (tests, benchmarks). */
    public static RedisConnection of(UnifiedJedis client, String description) {
        return new RedisConnection(client, Optional.empty(), description);
    }

    public UnifiedJedis client() {
        return client;
    }

    public String description() {
        return description;
    }

    /** Connections borrowed from the pool right now (-1 for a cluster, whose pools are per node). */
    public int activeConnections() {
        return client instanceof RedisClient single ? single.getPool().getNumActive() : -1;
    }

    /** True when Redis answers PING. */
    public boolean isReachable() {
        try {
            return "PONG".equalsIgnoreCase(client.ping());
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        try {
            client.close();
        } finally {
            embedded.ifPresent(EmbeddedRedis::stop);
        }
    }

    private static JedisClientConfig clientConfig(String user, String password, int database, boolean ssl) {
        return DefaultJedisClientConfig.builder()
                .user(user)
                .password(password)
                .database(database)
                .ssl(ssl)
                .clientName("drag-n-share")
                .connectionTimeoutMillis(2_000)
                .socketTimeoutMillis(5_000)
                .blockingSocketTimeoutMillis((int) MAX_BLOCK.toMillis() + 5_000)
                .build();
    }

    private static URI parse(String url) {
        try {
            URI uri = new URI(url);
            if (!JedisURIHelper.isValid(uri) || !(JedisURIHelper.isRedisScheme(uri) || JedisURIHelper.isRedisSSLScheme(uri))) {
                throw new ConfigException("REDIS_URL must look like redis://[:password@]host:port[/db], not '" + redact(url) + "'");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException("REDIS_URL is not a URL: " + e.getMessage());
        }
    }

    private static String redact(String url) {
        return url.replaceAll("//[^@/]*@", "//***@");
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** A real redis-server (the binary embedded-redis ships) for when none is configured. */
    static final class EmbeddedRedis {
        private final redis.embedded.RedisServer server;
        private final int port;

        private EmbeddedRedis(redis.embedded.RedisServer server, int port) {
            this.server = server;
            this.port = port;
        }

        static EmbeddedRedis start(String password) {
            IOException last = null;
            for (int attempt = 0; attempt < 5; attempt++) {
                int port = FreePort.find();
                try {
                    redis.embedded.RedisServer server = redis.embedded.RedisServer.newRedisServer()
                            .port(port)
                            .bind("127.0.0.1")
                            .setting("requirepass " + password)
                            .setting("save \"\"")
                            .setting("appendonly no")
                            .setting("maxclients 10000")
                            .soutListener(line -> LOG.fine(() -> "redis: " + line))
                            .serrListener(line -> LOG.warning(() -> "redis: " + line))
                            .onShutdownForceStop(true)
                            .build();
                    server.start();
                    return new EmbeddedRedis(server, port);
                } catch (IOException e) {
                    last = e; // most likely the port was taken in between; try another
                }
            }
            throw new IllegalStateException("could not start the embedded Redis: " + last.getMessage()
                    + " (set REDIS_URL to use an installed Redis instead)", last);
        }

        int port() {
            return port;
        }

        void stop() {
            try {
                server.stop();
            } catch (IOException e) {
                LOG.warning("embedded Redis did not stop cleanly: " + e.getMessage());
            }
        }
    }
}
