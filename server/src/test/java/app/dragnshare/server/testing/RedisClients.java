package app.dragnshare.server.testing;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import redis.clients.jedis.Protocol;

/** Counts the connections Redis has from one client name (CLIENT LIST), as Redis itself sees them. */
public final class RedisClients {
    private RedisClients() {
    }

    public static int count(String clientName) {
        Object reply = TestRedis.client().sendCommand(Protocol.Command.CLIENT, "LIST");
        String list = new String((byte[]) reply, StandardCharsets.UTF_8);
        return (int) list.lines().filter(line -> line.contains(" name=" + clientName + " ")).count();
    }

    /** Samples {@link #count} every 100 ms on a thread of its own until closed; keeps the highest. */
    public static Sampler sample(String clientName) {
        return new Sampler(clientName);
    }

    public static final class Sampler implements AutoCloseable {
        private final AtomicInteger max = new AtomicInteger();
        private final AtomicInteger samples = new AtomicInteger();
        private final Thread thread;
        private volatile boolean closed;

        private Sampler(String clientName) {
            thread = Thread.ofPlatform().daemon().name("redis-clients-sampler").start(() -> {
                while (!closed) {
                    max.accumulateAndGet(count(clientName), Math::max);
                    samples.incrementAndGet();
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        public int max() {
            return max.get();
        }

        public int samples() {
            return samples.get();
        }

        @Override
        public void close() throws InterruptedException {
            closed = true;
            thread.interrupt();
            thread.join();
        }
    }
}
