package app.dragnshare.server.redis;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * The server's Redis: the configured one (REDIS_URL or REDIS_CLUSTER_NODES), or else an
 * embedded real redis-server on a loopback port with a random password, stopped on close.
 */
public final class RedisConnection implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RedisConnection.class.getName());
    /** Longest BLPOP/BLMOVE timeout the server uses; the socket waits this plus a margin, so a dead Redis is noticed. */
    public static final Duration MAX_BLOCK = Duration.ofSeconds(3);

    private final String instanceId;
    private final UnifiedJedis client;
    private final UnifiedJedis transfers;
    private final UnifiedJedis subscriber;
    private final boolean cluster;
    private final Optional<EmbeddedRedis> embedded;
    private final String description;

    private RedisConnection(String instanceId, Clients clients, boolean cluster, Optional<EmbeddedRedis> embedded,
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
            return new RedisConnection(instanceId, clients, true, Optional.empty(), "Redis Cluster " + nodes);
        }
        if (config.redisUrl().isPresent()) {
            URI uri = parse(config.redisUrl().get());
            String password = Optional.ofNullable(JedisURIHelper.getPassword(uri)).or(config::redisPassword).orElse(null);
            JedisClientConfig clientConfig = clientConfig(name, JedisURIHelper.getUser(uri), password,
                    JedisURIHelper.getDBIndex(uri), JedisURIHelper.isRedisSSLScheme(uri));
            Clients clients = clients(config, pool -> RedisClient.builder().hostAndPort(JedisURIHelper.getHostAndPort(uri))
                    .clientConfig(clientConfig).poolConfig(pool).build());
            return new RedisConnection(instanceId, clients, false, Optional.empty(),
                    "Redis at " + uri.getHost() + ":" + JedisURIHelper.getHostAndPort(uri).getPort());
        }
        String password = randomId(24);
        EmbeddedRedis embedded = EmbeddedRedis.start(password);
        JedisClientConfig clientConfig = clientConfig(name, null, password, 0, false);
        Clients clients = clients(config, pool -> RedisClient.builder().hostAndPort("127.0.0.1", embedded.port())
                .clientConfig(clientConfig).poolConfig(pool).build());
        return new RedisConnection(instanceId, clients, false, Optional.of(embedded),
                "embedded Redis on 127.0.0.1:" + embedded.port() + " (set REDIS_URL to use your own)");
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
        embedded.ifPresent(e -> e.ownerClosesOnExitWithin(bound));
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
            transfers.close();
            subscriber.close();
        } finally {
            embedded.ifPresent(EmbeddedRedis::stop);
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

    /**
     * A redis-server process of our own: the binary embedded-redis ships, run by us. We do not
     * use embedded-redis's RedisServer because it always registers a shutdown hook that stops
     * Redis the moment the JVM begins to exit, in parallel with our graceful shutdown, which still
     * needs Redis to tell clients and clean up (seen: on SIGTERM running transfers failed with
     * "database unreachable" instead of "shutting-down"). Our hook waits for the owner's close when
     * the owner said it will close on exit, and stops Redis itself otherwise (tests, benchmarks)
     * or once that close takes too long. The configuration, password included, goes in on stdin,
     * so it is neither on a command line ({@code ps}) nor in a file.
     */
    static final class EmbeddedRedis {
        private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
        private static final String READY = "Ready to accept connections";

        private final Process process;
        private final int port;
        private final CountDownLatch stopped = new CountDownLatch(1);
        private final Thread exitHook = new Thread(this::stopAtExit, "embedded-redis-stop");
        private volatile Duration ownerClosesWithin;

        private EmbeddedRedis(Process process, int port) {
            this.process = process;
            this.port = port;
        }

        static EmbeddedRedis start(String password) {
            File binary;
            try {
                binary = ExecutableProvider.newJarResourceProvider().get();
            } catch (IOException e) {
                throw new IllegalStateException("could not unpack the embedded redis-server: " + e.getMessage()
                        + " (set REDIS_URL to use an installed Redis instead)", e);
            }
            String why = "";
            for (int attempt = 0; attempt < 5; attempt++) {
                int port = FreePort.find();
                Process process = null;
                try {
                    process = new ProcessBuilder(binary.getPath(), "-").redirectErrorStream(true).start();
                    try (Writer config = process.outputWriter(StandardCharsets.UTF_8)) {
                        config.write(String.join("\n", "port " + port, "bind 127.0.0.1", "requirepass " + password,
                                "save \"\"", "appendonly no", "maxclients 10000", ""));
                    }
                    Optional<String> failure = awaitReady(process);
                    if (failure.isEmpty()) {
                        EmbeddedRedis embedded = new EmbeddedRedis(process, port);
                        Runtime.getRuntime().addShutdownHook(embedded.exitHook);
                        return embedded;
                    }
                    process.destroyForcibly();
                    why = failure.get(); // most likely the port was taken in between; try another
                } catch (IOException e) {
                    if (process != null) {
                        process.destroyForcibly();
                    }
                    why = e.getMessage();
                }
            }
            throw new IllegalStateException("could not start the embedded Redis: " + why
                    + " (set REDIS_URL to use an installed Redis instead)");
        }

        /** Reads Redis's log until it is ready (empty) or has exited (what it said); logs the rest at FINE. */
        private static Optional<String> awaitReady(Process process) {
            CompletableFuture<Optional<String>> ready = new CompletableFuture<>();
            Thread.ofVirtual().name("embedded-redis-log").start(() -> {
                StringBuilder said = new StringBuilder();
                try (BufferedReader log = process.inputReader(StandardCharsets.UTF_8)) {
                    for (String line; (line = log.readLine()) != null; ) {
                        String logged = line;
                        LOG.fine(() -> "redis: " + logged);
                        if (!ready.isDone()) {
                            said.append(line).append('\n');
                            if (line.contains(READY)) {
                                ready.complete(Optional.empty());
                            }
                        }
                    }
                } catch (IOException e) {
                    // the process ended
                }
                ready.complete(Optional.of("redis-server exited: " + said.toString().strip()));
            });
            try {
                return ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                return Optional.of("redis-server was not ready within " + START_TIMEOUT.toSeconds() + " s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of("interrupted while starting redis-server");
            } catch (ExecutionException e) {
                return Optional.of(String.valueOf(e.getCause()));
            }
        }

        int port() {
            return port;
        }

        void ownerClosesOnExitWithin(Duration bound) {
            ownerClosesWithin = bound;
        }

        private void stopAtExit() {
            Duration bound = ownerClosesWithin;
            if (bound != null) {
                try {
                    stopped.await(bound.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            stop();
        }

        /** SIGTERM (Redis exits at once, having nothing to save), SIGKILL if it has not within 5 s. */
        synchronized void stop() {
            if (stopped.getCount() == 0) {
                return;
            }
            process.destroy();
            try {
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    LOG.warning("embedded Redis did not stop within 5 s; killing it");
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            } finally {
                stopped.countDown();
            }
            if (Thread.currentThread() != exitHook) {
                try {
                    Runtime.getRuntime().removeShutdownHook(exitHook); // closed before exit: nothing left to do then
                } catch (IllegalStateException e) {
                    // the JVM is exiting already; the hook finds Redis stopped
                }
            }
        }
    }
}
