package app.dragnshare.benchmarks.harness;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import redis.clients.jedis.Jedis;

/**
 * One server instance with its own embedded Redis, or two on one Redis (the harness's, see
 * {@link HarnessRedis}) with the same JWT_KEY, as a deployment behind a load balancer: a member's
 * token from one instance works on the other, and a chunk a sharer sends to instance A reaches a
 * receiver on instance B only through Redis. Each instance logs into a folder of its own
 * ({@code a/}, {@code b/}).
 */
public final class Instances implements AutoCloseable {
    private final List<ServerUnderTest> servers;
    private final HarnessRedis redis;

    private Instances(List<ServerUnderTest> servers, HarnessRedis redis) {
        this.servers = servers;
        this.redis = redis;
    }

    /** @param env the servers' settings (the harness's included) */
    public static Instances start(int count, ProjectJars jars, String heap, Path dir, Map<String, String> env)
            throws IOException, InterruptedException {
        if (count != 1 && count != 2) {
            throw new IllegalArgumentException("--instances is 1 or 2, not " + count);
        }
        if (count == 1) {
            return new Instances(List.of(ServerUnderTest.start(jars, heap, dir, env, List.of())), null);
        }
        HarnessRedis redis = HarnessRedis.start();
        List<ServerUnderTest> started = new ArrayList<>();
        try {
            Map<String, String> shared = new HashMap<>(env);
            shared.put("REDIS_URL", redis.url());
            shared.put("JWT_KEY", randomKey());
            for (String name : List.of("a", "b")) {
                Path own = dir.resolve(name);
                java.nio.file.Files.createDirectories(own);
                started.add(ServerUnderTest.start(jars, heap, own, shared, List.of()));
            }
            return new Instances(List.copyOf(started), redis);
        } catch (IOException | InterruptedException | RuntimeException e) {
            started.forEach(ServerUnderTest::close);
            redis.close();
            throw e;
        }
    }

    private static String randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return HexFormat.of().formatHex(key);
    }

    /** Every instance, A first. */
    public List<ServerUnderTest> all() {
        return servers;
    }

    /** Where sharers connect: instance A. */
    public ServerUnderTest sharerSide() {
        return servers.getFirst();
    }

    /** Where receivers download: instance B, or the one instance. */
    public ServerUnderTest receiverSide() {
        return servers.getLast();
    }

    /** "A", "B" for two instances, "server" for one. */
    public String name(ServerUnderTest server) {
        return servers.size() == 1 ? "server" : String.valueOf((char) ('A' + servers.indexOf(server)));
    }

    /** The redis-server processes: the one instance's embedded children, or the harness's own. */
    public List<ProcessHandle> redisProcess() {
        if (redis == null) {
            return servers.getFirst().embeddedRedis();
        }
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.contains("redis")).orElse(false))
                .findFirst().stream().toList();
    }

    public String redisDescription() {
        return redis == null ? servers.getFirst().redisDescription() : redis.description() + " shared by both";
    }

    /** Connections the server instances hold to the shared Redis now (-1 with one instance: its embedded Redis is not readable). */
    public long redisConnections() {
        if (redis == null) {
            return -1;
        }
        try (Jedis jedis = new Jedis(URI.create(redis.url()))) {
            return jedis.clientList().lines().filter(l -> l.contains(" name=drag-n-share-")).count();
        }
    }

    @Override
    public void close() throws IOException {
        servers.forEach(ServerUnderTest::close);
        if (redis != null) {
            redis.close();
        }
    }
}
