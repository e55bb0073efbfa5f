package app.dragnshare.server.listener;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
    private final AtomicLong closed = new AtomicLong();
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

    private void closeLate(long now) {
        deadlines.forEach((ctx, deadline) -> {
            if (deadline != NONE && now - deadline > 0 && deadlines.remove(ctx, deadline)) {
                closed.incrementAndGet();
                LOG.fine(() -> "closing a connection from " + ctx.remotePeer().host() + ": no request head within the header timeout");
                try {
                    ctx.serverSocket().close(); // its reader fails at once, and Helidon cleans up as for any broken connection
                } catch (RuntimeException e) {
                    LOG.fine(() -> "closing a late connection: " + e.getMessage());
                }
            }
        });
    }

    @Override
    public void close() {
        sweeper.interrupt();
    }
}
