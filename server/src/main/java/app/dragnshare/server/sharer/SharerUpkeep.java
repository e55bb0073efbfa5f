package app.dragnshare.server.sharer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import app.dragnshare.server.session.Inbox;
import app.dragnshare.server.session.Presence;
import app.dragnshare.server.session.SessionStore;
import app.dragnshare.server.wakeup.Wakeups;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Keeps every connected sharer of this instance alive with one thread, not one per socket:
 * every {@link Wakeups#RECHECK} it looks (in one pipelined round trip) for inboxes that hold
 * something their socket was not woken for; every third of the presence TTL it renews all
 * presence claims; every minute it keeps the sessions alive; and it pings each socket at its
 * heartbeat. A platform thread, so a busy instance's hundreds of runnable virtual threads cannot
 * delay a renewal past its TTL. Work on one socket (pings, closes, inbox pops) runs on a virtual
 * thread of its own, so a socket that does not read cannot hold the others up.
 */
public final class SharerUpkeep implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SharerUpkeep.class.getName());
    private static final Duration SESSION_TOUCH = Duration.ofMinutes(1);
    /** Commands per pipelined round trip: bounds what one reply holds in memory. */
    private static final int BATCH = 1_000;

    /** One connected, authenticated sharer as the upkeep sees it. */
    public interface Sharer {
        String sessionId();

        String memberId();

        String connectionId();

        /** True when it would take what waits now (events always; a request held back only with a transfer slot free). */
        boolean wantsMessages();

        /** Takes what waits in its inbox; returns at once (the work runs elsewhere). */
        void wake();

        /** How long it may stay silent: shorter while its transfers run, so their receivers hear of a dead sharer soon. */
        Duration heartbeat();

        /** Sends a ping (may block on a slow socket: called on a thread of its own). */
        void ping();

        /** Another connection of the member took over. */
        void replaced();

        /** The session has ended. */
        void sessionEnded();
    }

    private final UnifiedJedis redis;
    private final Presence presence;
    private final Inbox inbox;
    private final SessionStore store;
    private final Map<String, Entry> sharers = new ConcurrentHashMap<>();
    /**
     * Authentications that may run at once (each makes a few Redis calls and tells the session's
     * other members). A reconnect storm of thousands of sockets then waits its turn here, first
     * come first served, instead of all waiting for a pooled connection and timing out.
     */
    private final Semaphore authentications = new Semaphore(16, true);
    private final ScheduledExecutorService timer = new ScheduledThreadPoolExecutor(1,
            Thread.ofPlatform().daemon().name("sharer-upkeep").factory());
    private long lastRenewal = System.nanoTime();
    private long lastTouch = System.nanoTime();

    public SharerUpkeep(UnifiedJedis redis, Presence presence, Inbox inbox, SessionStore store) {
        ((ScheduledThreadPoolExecutor) timer).setRemoveOnCancelPolicy(true); // cancelled auth timers leave at once
        this.redis = redis;
        this.presence = presence;
        this.inbox = inbox;
        this.store = store;
        timer.scheduleWithFixedDelay(this::tick, Wakeups.RECHECK.toMillis(), Wakeups.RECHECK.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void add(Sharer sharer) {
        sharers.put(sharer.connectionId(), new Entry(sharer));
    }

    public void remove(Sharer sharer) {
        sharers.remove(sharer.connectionId());
    }

    public int count() {
        return sharers.size();
    }

    /**
     * Runs {@code authentication} when its turn comes (within {@code wait}); false when it did
     * not come in time (nothing ran).
     */
    public boolean authenticate(Duration wait, Runnable authentication) throws InterruptedException {
        if (!authentications.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            return false;
        }
        try {
            authentication.run();
            return true;
        } finally {
            authentications.release();
        }
    }

    /** Runs {@code task} on a virtual thread after {@code delay}, without a thread waiting meanwhile (e.g. the auth timeout). */
    public ScheduledFuture<?> after(Duration delay, Runnable task) {
        return timer.schedule(() -> Thread.ofVirtual().start(task), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private void tick() {
        try {
            List<Entry> all = List.copyOf(sharers.values());
            long now = System.nanoTime();
            recheckInboxes(all);
            if (now - lastRenewal >= presence.ttl().toNanos() / 3) {
                lastRenewal = now;
                renewPresence(all);
            }
            if (now - lastTouch >= SESSION_TOUCH.toNanos()) {
                lastTouch = now;
                touchSessions(all);
            }
            for (Entry entry : all) {
                if (now - entry.lastPing >= entry.sharer.heartbeat().toNanos()) {
                    entry.lastPing = now;
                    Thread.ofVirtual().start(entry.sharer::ping);
                }
            }
        } catch (JedisException e) {
            LOG.warning("sharer upkeep could not reach Redis (tries again in " + Wakeups.RECHECK.toSeconds() + " s): " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(java.util.logging.Level.SEVERE, "sharer upkeep failed (tries again)", e); // never let the schedule die
        }
    }

    /** A wake-up that got lost costs at most one tick: wake whoever has something waiting and room to take it. */
    private void recheckInboxes(List<Entry> all) {
        List<Entry> idle = all.stream().filter(e -> e.sharer.wantsMessages()).toList();
        forEachBatch(idle, (pipeline, entry) -> inbox.waiting(pipeline, entry.sharer.sessionId(), entry.sharer.memberId()),
                (entry, waiting) -> {
                    if (waiting.get() > 0) {
                        entry.sharer.wake();
                    }
                });
    }

    private void renewPresence(List<Entry> all) {
        forEachBatch(all, (pipeline, entry) -> presence.renew(pipeline, entry.sharer.sessionId(), entry.sharer.memberId(),
                entry.sharer.connectionId()), (entry, answer) -> {
                    switch (Presence.renewal(answer)) {
                        case RENEWED -> { }
                        case REPLACED -> Thread.ofVirtual().start(entry.sharer::replaced);
                        case SESSION_GONE -> Thread.ofVirtual().start(entry.sharer::sessionEnded);
                    }
                });
    }

    /** Keeps each session with a connected sharer from idling out; one touch per session however many sharers it has. */
    private void touchSessions(List<Entry> all) {
        Map<String, List<Entry>> bySession = new HashMap<>();
        for (Entry entry : all) {
            bySession.computeIfAbsent(entry.sharer.sessionId(), s -> new ArrayList<>()).add(entry);
        }
        List<Entry> firsts = bySession.values().stream().map(List::getFirst).toList();
        forEachBatch(firsts, (pipeline, entry) -> store.touch(pipeline, entry.sharer.sessionId()), (entry, answer) -> {
            if (((Number) answer.get()).longValue() == 0) {
                bySession.get(entry.sharer.sessionId()).forEach(e -> Thread.ofVirtual().start(e.sharer::sessionEnded));
            }
        });
    }

    private <T> void forEachBatch(List<Entry> entries, Queue<T> queue, Answer<T> answer) {
        for (int from = 0; from < entries.size(); from += BATCH) {
            List<Entry> batch = entries.subList(from, Math.min(entries.size(), from + BATCH));
            List<Response<T>> responses = new ArrayList<>(batch.size());
            try (AbstractPipeline pipeline = redis.pipelined()) {
                for (Entry entry : batch) {
                    responses.add(queue.on(pipeline, entry));
                }
                pipeline.sync();
            }
            for (int i = 0; i < batch.size(); i++) {
                answer.with(batch.get(i), responses.get(i));
            }
        }
    }

    private interface Queue<T> {
        Response<T> on(AbstractPipeline pipeline, Entry entry);
    }

    private interface Answer<T> {
        void with(Entry entry, Response<T> response);
    }

    private static final class Entry {
        final Sharer sharer;
        /** Touched by the timer thread only. */
        long lastPing = System.nanoTime();

        Entry(Sharer sharer) {
            this.sharer = sharer;
        }
    }
}
