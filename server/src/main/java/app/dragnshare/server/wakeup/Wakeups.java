package app.dragnshare.server.wakeup;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

import app.dragnshare.server.http.Ids;
import app.dragnshare.server.redis.Keys;
import app.dragnshare.server.redis.RedisConnection;

import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.JedisShardedPubSub;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Wakes what waits on this instance for something to land in Redis, without a Redis connection
 * per waiter. A waiter registers a topic (a sharer connection's id, a pending download's offer);
 * whoever pushes what it waits for publishes the topic on the waiter's instance channel, or on
 * the channel every instance hears when it cannot know the instance; this instance's subscriber
 * runs what is registered under the topic. Pub/sub forgets what it could not deliver, so every
 * waiter also looks again on its own within {@link #RECHECK}, and all are woken whenever the
 * subscription is (re)made.
 *
 * <p>A single Redis or a cluster before 7.0: PUBLISH/SUBSCRIBE (a cluster forwards every
 * message to every node). A cluster on Redis 7+: sharded SPUBLISH/SSUBSCRIBE, each channel
 * served by the one shard that owns its slot. One subscriber connection per channel (two).
 */
public final class Wakeups implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Wakeups.class.getName());
    /** The longest a lost notification delays a waiter. */
    public static final Duration RECHECK = Duration.ofSeconds(1);

    private final String instanceId;
    private final UnifiedJedis publisher;
    private final UnifiedJedis subscriber;
    private final boolean sharded;
    private final Map<String, Runnable> waiters = new ConcurrentHashMap<>();
    private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();
    private final CountDownLatch subscribed = new CountDownLatch(2);
    private volatile boolean closed;

    public Wakeups(RedisConnection redis) {
        this.instanceId = redis.instanceId();
        this.publisher = redis.client();
        this.subscriber = redis.subscriber();
        this.sharded = redis.isCluster() && majorVersion(publisher) >= 7;
        for (String channel : List.of(Keys.wakeChannel(instanceId), Keys.wakeChannel("all"))) {
            Thread.ofPlatform().daemon().name("wakeups-" + channel).start(() -> listen(channel));
        }
        Thread.ofPlatform().daemon().name("wakeups-keepalive").start(this::keepAlive);
    }

    /** A new connection id that names this instance, so a pusher knows whom to wake ({@link #wake}). */
    public String newConnectionId() {
        return instanceId + "." + Ids.random();
    }

    /** Runs {@code wake} (quickly, without blocking) whenever {@code topic} is published for this instance. */
    public void register(String topic, Runnable wake) {
        waiters.put(topic, wake);
    }

    public void unregister(String topic) {
        waiters.remove(topic);
    }

    /** Wakes the waiter of {@code connectionId} (made by {@link #newConnectionId}) on whichever instance it is. */
    public void wake(String connectionId) {
        int dot = connectionId.indexOf('.');
        if (dot > 0) {
            publish(Keys.wakeChannel(connectionId.substring(0, dot)), connectionId);
        }
    }

    /** Wakes the waiter of {@code topic} on whichever instance it is, by telling every instance. */
    public void wakeAnywhere(String topic) {
        publish(Keys.wakeChannel("all"), topic);
    }

    /**
     * Waits up to {@code timeout} for {@code poll} to give something (not null): polls now, on
     * every wake-up of {@code topic}, and every {@link #RECHECK}. Holds no Redis connection while
     * it waits. Null when nothing came in time.
     */
    public <T> T await(String topic, Duration timeout, Supplier<T> poll) throws InterruptedException {
        Semaphore woken = new Semaphore(0);
        register(topic, woken::release);
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                woken.drainPermits();
                T found = poll.get();
                long left = deadline - System.nanoTime();
                if (found != null || left <= 0) {
                    return found;
                }
                // woken, or a re-check is due: look again either way
                boolean ignored = woken.tryAcquire(Math.min(left, RECHECK.toNanos()), TimeUnit.NANOSECONDS);
            }
        } finally {
            unregister(topic);
        }
    }

    /** Waits (bounded) until both subscriptions are made, so no notification is missed from then on. */
    public boolean awaitSubscribed(Duration timeout) throws InterruptedException {
        return subscribed.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        closed = true;
        for (Subscription subscription : subscriptions) {
            try {
                subscription.stop();
            } catch (RuntimeException e) {
                LOG.fine(() -> "unsubscribing: " + e.getMessage());
            }
        }
    }

    private void publish(String channel, String topic) {
        try {
            if (sharded) {
                ((RedisClusterClient) publisher).spublish(channel, topic); // sharded only on a cluster
            } else {
                publisher.publish(channel, topic);
            }
        } catch (JedisException e) {
            LOG.fine(() -> "wake-up not sent (the waiter looks again within " + RECHECK.toSeconds() + " s): " + e.getMessage());
        }
    }

    /** Holds the subscription to {@code channel} for the life of the instance, making it again if Redis drops it. */
    private void listen(String channel) {
        boolean first = true;
        while (!closed) {
            Subscription subscription = sharded ? new Sharded(channel, first) : new Plain(channel, first);
            subscriptions.add(subscription);
            try {
                subscription.run(channel);
            } catch (JedisException e) {
                if (!closed) {
                    LOG.warning("wake-up subscription to " + channel + " lost (waiters look again every "
                            + RECHECK.toSeconds() + " s meanwhile): " + e.getMessage());
                }
            } finally {
                subscriptions.remove(subscription);
            }
            first = false;
            try {
                Thread.sleep(RECHECK); // bounded retry while Redis is away
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Something travels on every subscription each {@link #RECHECK}, so its read never idles into
     * the socket timeout, and a dead connection is noticed within that timeout.
     */
    private void keepAlive() {
        while (!closed) {
            try {
                Thread.sleep(RECHECK);
            } catch (InterruptedException e) {
                return;
            }
            for (Subscription subscription : subscriptions) {
                try {
                    subscription.keepAlive();
                } catch (RuntimeException e) {
                    LOG.fine(() -> "wake-up keep-alive failed (the subscription is made again): " + e.getMessage());
                }
            }
        }
    }

    /** The first confirmation of a subscription; after a lost one, everyone looks (what was published meanwhile is gone). */
    private void confirmed(boolean first) {
        if (first) {
            subscribed.countDown();
        } else {
            waiters.values().forEach(Runnable::run);
        }
    }

    private void deliver(String topic) {
        Runnable wake = waiters.get(topic);
        if (wake != null) {
            wake.run();
        }
    }

    private static int majorVersion(UnifiedJedis redis) {
        try {
            String info = redis.info("server");
            for (String line : info.split("\r?\n")) {
                if (line.startsWith("redis_version:")) {
                    return Integer.parseInt(line.substring("redis_version:".length()).split("\\.")[0]);
                }
            }
        } catch (JedisException | NumberFormatException e) {
            LOG.fine(() -> "Redis version unknown; using plain pub/sub: " + e.getMessage());
        }
        return 0;
    }

    /** One subscription, held by the thread that {@link #run}s it. */
    private interface Subscription {
        void run(String channel);

        void keepAlive();

        void stop();
    }

    /** Subscribing again to the same channel is the keep-alive (Redis only confirms it; a PING's reply upset Jedis's reader). */
    private final class Plain extends JedisPubSub implements Subscription {
        private final String channel;
        private final boolean first;
        private boolean seen;

        Plain(String channel, boolean first) {
            this.channel = channel;
            this.first = first;
        }

        @Override
        public void run(String channel) {
            subscriber.subscribe(this, channel);
        }

        @Override
        public void onSubscribe(String channel, int count) {
            if (!seen) {
                seen = true;
                confirmed(first);
            }
        }

        @Override
        public void onMessage(String channel, String message) {
            deliver(message);
        }

        @Override
        public void keepAlive() {
            if (isSubscribed()) {
                subscribe(channel);
            }
        }

        @Override
        public void stop() {
            if (isSubscribed()) {
                unsubscribe();
            }
        }
    }

    /** As {@link Plain}; sharded pub/sub has no PING anyway. */
    private final class Sharded extends JedisShardedPubSub implements Subscription {
        private final String channel;
        private final boolean first;
        private boolean seen;

        Sharded(String channel, boolean first) {
            this.channel = channel;
            this.first = first;
        }

        @Override
        public void run(String channel) {
            ((RedisClusterClient) subscriber).ssubscribe(this, channel);
        }

        @Override
        public void onSSubscribe(String channel, int count) {
            if (!seen) {
                seen = true;
                confirmed(first);
            }
        }

        @Override
        public void onSMessage(String channel, String message) {
            deliver(message);
        }

        @Override
        public void keepAlive() {
            if (isSubscribed()) {
                ssubscribe(channel);
            }
        }

        @Override
        public void stop() {
            if (isSubscribed()) {
                sunsubscribe();
            }
        }
    }
}
