package app.dragnshare.server.listener;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;

/**
 * Closes connections that take longer than HEADER_TIMEOUT to send a request head: an idle
 * connection, or one that sends its headers a byte at a time. Helidon's own idle check cannot:
 * it interrupts a connection only while it reads a request line, never while it reads headers.
 *
 * <p>The clock starts when the connection is accepted, and again when a kept-alive connection's
 * next request line arrives (the wait before that line is IDLE_TIMEOUT's, enforced by Helidon);
 * it stops when the headers are complete. A WebSocket, once upgraded, has no clock.
 */
public final class HeaderDeadlines implements Http1ConnectionListener, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(HeaderDeadlines.class.getName());
    private static final long NONE = Long.MAX_VALUE;

    private final long timeoutNanos;
    /** Deadline (System.nanoTime) per connection still waiting for a request head; NONE while a request runs. */
    private final Map<ConnectionContext, Long> deadlines = new ConcurrentHashMap<>();
    /** Connections in the order they were accepted; those no longer waiting for their first head are dropped lazily. */
    private final Queue<ConnectionContext> arrivals = new ConcurrentLinkedQueue<>();
    private final AtomicLong closed = new AtomicLong();
    private final AtomicLong evicted = new AtomicLong();
    private final Thread sweeper;

    public HeaderDeadlines(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
        Duration every = Duration.ofMillis(Math.max(100, Math.min(1_000, timeout.toMillis() / 10)));
        this.sweeper = Thread.ofVirtual().name("header-deadlines").start(() -> {
            try {
                while (true) {
                    Thread.sleep(every);
                    closeLate(System.nanoTime());
                }
            } catch (InterruptedException e) {
                // closed
            }
        });
    }

    /** A connection was accepted: its first request head is due within the timeout. */
    void accepted(ConnectionContext ctx) {
        deadlines.put(ctx, System.nanoTime() + timeoutNanos);
        arrivals.add(ctx);
    }

    /**
     * Closes the connection that has waited longest for its first request head, to make room
     * when the listener is nearly full: a flood of silent connections then only ever delays a
     * real client by the time it takes to send its request, not by HEADER_TIMEOUT per round.
     * False if no connection is waiting.
     */
    boolean closeLongestWaiting() {
        for (ConnectionContext ctx; (ctx = arrivals.poll()) != null; ) {
            Long deadline = deadlines.get(ctx);
            if (deadline != null && deadline != NONE && deadlines.remove(ctx, deadline)) {
                evicted.incrementAndGet();
                close(ctx, "the listener is nearly full and it has waited longest for a request head");
                return true;
            }
        }
        return false;
    }

    /** The connection ended. */
    void ended(ConnectionContext ctx) {
        deadlines.remove(ctx);
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        // the first request's clock runs since accept; a later request's starts with its request line
        deadlines.computeIfPresent(ctx, (c, deadline) -> deadline == NONE ? System.nanoTime() + timeoutNanos : deadline);
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        deadlines.computeIfPresent(ctx, (c, deadline) -> NONE);
    }

    /** Connections closed since start because their request head came too late. */
    public long closed() {
        return closed.get();
    }

    /** Connections closed since start to make room, while they waited for their first request head. */
    public long evicted() {
        return evicted.get();
    }

    private void closeLate(long now) {
        deadlines.forEach((ctx, deadline) -> {
            if (deadline != NONE && now - deadline > 0 && deadlines.remove(ctx, deadline)) {
                closed.incrementAndGet();
                close(ctx, "no request head within the header timeout");
            }
        });
        // the oldest arrivals are gone or past their first head within one timeout: this keeps the queue that short
        for (ConnectionContext head; (head = arrivals.peek()) != null && !waitingForFirstHead(head); ) {
            arrivals.remove(head);
        }
    }

    private boolean waitingForFirstHead(ConnectionContext ctx) {
        Long deadline = deadlines.get(ctx);
        return deadline != null && deadline != NONE;
    }

    private static void close(ConnectionContext ctx, String why) {
        LOG.fine(() -> "closing a connection from " + ctx.remotePeer().host() + ": " + why);
        try {
            ctx.serverSocket().close(); // its reader fails at once, and Helidon cleans up as for any broken connection
        } catch (RuntimeException e) {
            LOG.fine(() -> "closing a connection: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        sweeper.interrupt();
    }
}
