package app.dragnshare.server.redis;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
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
import redis.embedded.core.ExecutableProvider;

/**
 * The server's Redis: the configured one (REDIS_URL or REDIS_CLUSTER_NODES), or else two
 * embedded real redis-servers on loopback ports with a random password, stopped on close: one for
 * sessions (snapshotted into DATA_DIR), one for transfers (memory only; see {@link #openEmbedded}).
 */
public final class RedisConnection implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RedisConnection.class.getName());
    /** Longest BLPOP/BLMOVE timeout the server uses; the socket waits this plus a margin, so a dead Redis is noticed. */
    public static final Duration MAX_BLOCK = Duration.ofSeconds(3);
    /** The embedded Redis snapshots its sessions this long after a change (at most this much is lost on a crash). */
    public static final Duration SNAPSHOT_EVERY = Duration.ofSeconds(5);
    /** The embedded Redis's snapshot file, in DATA_DIR/redis. */
    public static final String SNAPSHOT_FILE = "sessions.rdb";

    private final String instanceId;
    private final UnifiedJedis client;
    private final UnifiedJedis transfers;
    private final UnifiedJedis subscriber;
    private final boolean cluster;
    /** Our own redis-servers (sessions first, then transfers), or none with REDIS_URL or a cluster. */
    private final List<EmbeddedRedis> embedded;
    private final String description;

    private RedisConnection(String instanceId, Clients clients, boolean cluster, List<EmbeddedRedis> embedded,
                            String description) {
        this.instanceId = instanceId;
        this.client = clients.general();
        this.transfers = clients.transfers();
        this.subscriber = clients.subscriber();
        this.cluster = cluster;
        this.embedded = embedded;
        this.description = description;
    }

    /** The three clients of one instance, each with its own pool (see {@link #open}). */
    private record Clients(UnifiedJedis general, UnifiedJedis transfers, UnifiedJedis subscriber) {
    }

    /**
     * Opens the instance's three pools, so none can starve another: REDIS_POOL_SIZE for sessions,
     * inboxes, presence and wake-ups; REDIS_TRANSFER_POOL_SIZE for transfers (blocking pops);
     * two connections for the pub/sub subscriptions. Every connection is named
     * {@code drag-n-share-<instance id>} (CLIENT LIST shows whose it is).
     */
    public static RedisConnection open(ServerConfig config) {
        return open(config, Optional.empty());
    }

    /**
     * As {@link #open(ServerConfig)}; an embedded Redis keeps its sessions in {@code snapshotFolder}
     * across restarts when one is given (a REDIS_URL or cluster ignores it).
     */
    public static RedisConnection open(ServerConfig config, Optional<Path> snapshotFolder) {
        String instanceId = randomId(6);
        String name = "drag-n-share-" + instanceId;
        if (!config.redisClusterNodes().isEmpty()) {
            Set<HostAndPort> nodes = new LinkedHashSet<>();
            for (String node : config.redisClusterNodes()) {
                nodes.add(HostAndPort.from(node));
            }
            JedisClientConfig clientConfig = clientConfig(name, null, config.redisPassword().orElse(null), 0, false);
            Clients clients = clients(config, pool -> RedisClusterClient.builder().nodes(nodes).clientConfig(clientConfig)
                    .poolConfig(pool).build());
            return new RedisConnection(instanceId, clients, true, List.of(), "Redis Cluster " + nodes);
        }
        if (config.redisUrl().isPresent()) {
            URI uri = parse(config.redisUrl().get());
            String password = Optional.ofNullable(JedisURIHelper.getPassword(uri)).or(config::redisPassword).orElse(null);
            JedisClientConfig clientConfig = clientConfig(name, JedisURIHelper.getUser(uri), password,
                    JedisURIHelper.getDBIndex(uri), JedisURIHelper.isRedisSSLScheme(uri));
            Clients clients = clients(config, pool -> RedisClient.builder().hostAndPort(JedisURIHelper.getHostAndPort(uri))
                    .clientConfig(clientConfig).poolConfig(pool).build());
            return new RedisConnection(instanceId, clients, false, List.of(),
                    "Redis at " + uri.getHost() + ":" + JedisURIHelper.getHostAndPort(uri).getPort());
        }
        return openEmbedded(config, name, instanceId, snapshotFolder);
    }

    /**
     * Two embedded redis-servers, because a snapshot is of a whole Redis: one holds sessions,
     * members, file lists, inboxes and presence, and snapshots them into {@code snapshotFolder}
     * (when given) every {@link #SNAPSHOT_EVERY} while they change and on shutdown; the other
     * holds every transfer's keys (offers, chunk queues, credits, liveness marks) and never writes
     * to disk, so no chunk ever reaches one, whenever a snapshot is taken. A restart loses only
     * the transfers that were running, which fail at shutdown anyway. Transfer keys are reached
     * only through {@link #transfers()}, and no script mixes them with session keys (a cluster
     * forbids that too), so the split changes no command.
     */
    private static RedisConnection openEmbedded(ServerConfig config, String name, String instanceId,
                                                Optional<Path> snapshotFolder) {
        String password = randomId(24);
        Optional<Path> sessionsPid = snapshotFolder.map(f -> f.resolve("sessions.pid"));
        Optional<Path> relayPid = snapshotFolder.map(f -> f.resolve("transfers.pid"));
        // a server killed without its shutdown leaves its redis-servers running; one of them would
        // write its old sessions over the snapshot when it is stopped some day
        sessionsPid.ifPresent(EmbeddedRedis::stopLeftover);
        relayPid.ifPresent(EmbeddedRedis::stopLeftover);
        List<String> persistence = new ArrayList<>(snapshotFolder.map(RedisConnection::snapshotSettings)
                .orElse(List.of("save \"\"")));
        sessionsPid.ifPresent(pid -> persistence.add("pidfile " + quoted(pid.toString())));
        EmbeddedRedis sessions = EmbeddedRedis.start(password, persistence, snapshotFolder);
        EmbeddedRedis relay;
        try {
            List<String> memoryOnly = new ArrayList<>(List.of("save \"\""));
            relayPid.ifPresent(pid -> memoryOnly.add("pidfile " + quoted(pid.toString())));
            relay = EmbeddedRedis.start(password, memoryOnly, Optional.empty());
        } catch (RuntimeException e) {
            sessions.stop();
            throw e;
        }
        JedisClientConfig clientConfig = clientConfig(name, null, password, 0, false);
        Clients clients = new Clients(local(sessions, clientConfig, pool(config.redisPoolSize())),
                local(relay, clientConfig, pool(config.redisTransferPoolSize())), local(sessions, clientConfig, pool(2)));
        String kept = snapshotFolder.map(f -> "sessions saved in " + f + " every " + SNAPSHOT_EVERY.toSeconds()
                + " s while they change and on shutdown").orElse("sessions in memory only");
        return new RedisConnection(instanceId, clients, false, List.of(sessions, relay),
                "embedded Redis on 127.0.0.1:" + sessions.port() + " (" + kept + "; transfers on 127.0.0.1:" + relay.port()
                        + ", in memory only; set REDIS_URL to use your own)");
    }

    private static UnifiedJedis local(EmbeddedRedis redis, JedisClientConfig clientConfig, ConnectionPoolConfig pool) {
        return RedisClient.builder().hostAndPort("127.0.0.1", redis.port()).clientConfig(clientConfig).poolConfig(pool).build();
    }

    /**
     * RDB snapshots only, never an append-only file (it would log every chunk push, were chunks
     * here). A failed snapshot (disk full) must not stop the sessions: Redis keeps taking writes
     * and the log says why ({@link EmbeddedRedis} passes its errors on as warnings).
     */
    private static List<String> snapshotSettings(Path folder) {
        return List.of("dir " + quoted(folder.toString()), "dbfilename " + SNAPSHOT_FILE,
                "save " + SNAPSHOT_EVERY.toSeconds() + " 1", "stop-writes-on-bgsave-error no");
    }

    /** A value in redis.conf's double quotes, where backslash escapes (a Windows path, a quote in a folder name). */
    private static String quoted(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static Clients clients(ServerConfig config, java.util.function.Function<ConnectionPoolConfig, UnifiedJedis> build) {
        return new Clients(build.apply(pool(config.redisPoolSize())), build.apply(pool(config.redisTransferPoolSize())),
                build.apply(pool(2)));
    }

    private static ConnectionPoolConfig pool(int size) {
        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(size);
        pool.setMaxIdle(Math.min(16, size)); // a burst's extra connections close when they come back
        pool.setMinIdle(0);
        pool.setMaxWait(Duration.ofSeconds(5));
        pool.setFairness(true); // first come, first served: in a burst no caller waits past maxWait while later ones get through
        // every second, PING idle connections and drop dead ones: after a Redis restart the pool
        // heals by itself instead of failing one request per stale connection
        pool.setTestWhileIdle(true);
        pool.setNumTestsPerEvictionRun(-1);
        pool.setTimeBetweenEvictionRuns(Duration.ofSeconds(1));
        pool.setJmxEnabled(false);
        return pool;
    }

    /**
     * The owner closes this connection from its own shutdown hook, within {@code bound}: an
     * embedded Redis then stays up until that close (or the bound) instead of stopping as soon as
     * the JVM begins to exit.
     */
    public void closedByShutdownHookWithin(Duration bound) {
        embedded.forEach(e -> e.ownerClosesOnExitWithin(bound));
    }

    /** Names this instance in Redis: its connections' client name and its wake-up channel. */
    public String instanceId() {
        return instanceId;
    }

    /** For sessions, inboxes, presence and wake-ups: short commands, nothing that blocks. */
    public UnifiedJedis client() {
        return client;
    }

    /** For transfers: their blocking pops, pushes and liveness marks. */
    public UnifiedJedis transfers() {
        return transfers;
    }

    /** For the pub/sub subscriptions only (each holds a connection for as long as it lasts). */
    public UnifiedJedis subscriber() {
        return subscriber;
    }

    public boolean isCluster() {
        return cluster;
    }

    public String description() {
        return description;
    }

    /** Connections borrowed from the general and transfer pools right now (-1 for a cluster, whose pools are per node). */
    public int activeConnections() {
        if (client instanceof RedisClient general && transfers instanceof RedisClient transfer) {
            return general.getPool().getNumActive() + transfer.getPool().getNumActive();
        }
        return -1;
    }

    /** True when Redis answers PING (both embedded ones, when there are two). */
    public boolean isReachable() {
        try {
            return "PONG".equalsIgnoreCase(client.ping()) && (embedded.size() < 2 || "PONG".equalsIgnoreCase(transfers.ping()));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Closes the pools; stops our embedded Redis, if any, after saving its sessions once more
     * (explicitly: where a stop is not a SIGTERM, as on Windows, Redis would not save by itself).
     */
    @Override
    public void close() {
        try {
            if (!embedded.isEmpty() && embedded.getFirst().persistent()) {
                saveSnapshot();
            }
            client.close();
            transfers.close();
            subscriber.close();
        } finally {
            embedded.forEach(EmbeddedRedis::stop);
        }
    }

    private void saveSnapshot() {
        try {
            client.sendCommand(redis.clients.jedis.Protocol.Command.SAVE);
        } catch (RuntimeException e) {
            LOG.warning("the sessions could not be saved on shutdown (the last snapshot, at most "
                    + SNAPSHOT_EVERY.toSeconds() + " s older, stays): " + e.getMessage());
        }
    }

    private static JedisClientConfig clientConfig(String name, String user, String password, int database, boolean ssl) {
        return DefaultJedisClientConfig.builder()
                .user(user)
                .password(password)
                .database(database)
                .ssl(ssl)
                .clientName(name)
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

    private static String randomId(int length) {
        byte[] bytes = new byte[length];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
