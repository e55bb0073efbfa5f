package app.dragnshare.server.listener;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;

/**
 * The listener's only connection selector: wraps Helidon's HTTP/1.1 selector so that every
 * accepted connection first takes a slot of its client address ({@link AddressSlots}) and starts
 * its header clock ({@link HeaderDeadlines}); when the listener is nearly full, it makes room by
 * closing the connection that has waited longest for a request head. Being the only one matters: with a single selector
 * Helidon hands over the connection as soon as it is accepted, before a byte arrives, so idle
 * connections are seen too.
 */
public final class GuardedSelector implements ServerConnectionSelector {
    private static final Logger LOG = Logger.getLogger(GuardedSelector.class.getName());
    private static final long REFUSAL_LOG_EVERY = Duration.ofMinutes(1).toNanos();

    private final ServerConnectionSelector http1;
    private final AddressSlots slots;
    private final HeaderDeadlines deadlines;
    private final int evictAbove;
    private final AtomicInteger open = new AtomicInteger();
    private volatile long lastRefusalLog = System.nanoTime() - REFUSAL_LOG_EVERY;

    /**
     * @param evictAbove with more connections open than this, each new one closes the connection
     *                   that has waited longest for its first request head (keep it below the
     *                   listener's hard cap, or new connections wait unaccepted instead)
     */
    public GuardedSelector(ServerConnectionSelector http1, AddressSlots slots, HeaderDeadlines deadlines, int evictAbove) {
        this.http1 = http1;
        this.slots = slots;
        this.deadlines = deadlines;
        this.evictAbove = evictAbove;
    }

    @Override
    public int bytesToIdentifyConnection() {
        return http1.bytesToIdentifyConnection();
    }

    @Override
    public Support supports(BufferData data) {
        return http1.supports(data);
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return http1.supportedApplicationProtocols();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        String address = addressOf(ctx);
        if (!slots.take(address)) {
            logRefusal(address);
            return new Refused();
        }
        ServerConnection connection;
        try {
            deadlines.accepted(ctx);
            connection = http1.connection(ctx);
        } catch (RuntimeException e) {
            deadlines.ended(ctx);
            slots.release(address);
            throw e;
        }
        if (open.incrementAndGet() > evictAbove) {
            deadlines.closeLongestWaiting();
        }
        return new Guarded(connection, ctx, address);
    }

    /**
     * The TCP peer's address, written the same way for every connection from it. An IPv6 peer
     * counts by its /64 network: one subscriber usually holds a whole /64 and could pick a fresh
     * address for every connection.
     */
    private static String addressOf(ConnectionContext ctx) {
        return ctx.remotePeer().address() instanceof InetSocketAddress a && a.getAddress() != null
                ? slotKey(a.getAddress())
                : ctx.remotePeer().host();
    }

    static String slotKey(InetAddress address) {
        return address instanceof Inet6Address v6
                ? HexFormat.of().formatHex(v6.getAddress(), 0, 8) + "::/64"
                : address.getHostAddress();
    }

    private void logRefusal(String address) {
        long now = System.nanoTime();
        long last = lastRefusalLog;
        if (now - last >= REFUSAL_LOG_EVERY) {
            lastRefusalLog = now;
            LOG.warning("refusing connections from " + address + ": it holds MAX_CONNECTIONS_PER_ADDRESS ("
                    + slots.perAddress() + ") already; " + slots.refused() + " refused since start (logged at most once a minute)");
        }
    }

    /** A connection that gives its slot and header clock back when it ends, however it ends. */
    private final class Guarded implements ServerConnection {
        private final ServerConnection delegate;
        private final ConnectionContext ctx;
        private final String address;

        Guarded(ServerConnection delegate, ConnectionContext ctx, String address) {
            this.delegate = delegate;
            this.ctx = ctx;
            this.address = address;
        }

        @Override
        public void handle(Limit limit) throws InterruptedException {
            try {
                delegate.handle(limit);
            } finally {
                open.decrementAndGet();
                deadlines.ended(ctx);
                slots.release(address);
            }
        }

        @Override
        public Duration idleTime() {
            return delegate.idleTime();
        }

        @Override
        public void close(boolean interrupt) {
            delegate.close(interrupt);
        }
    }

    /** Over its address's cap: closed at once, without a byte read or written. */
    private static final class Refused implements ServerConnection {
        @Override
        public void handle(Limit limit) {
            throw new CloseConnectionException("over MAX_CONNECTIONS_PER_ADDRESS");
        }

        @Override
        public Duration idleTime() {
            return Duration.ZERO;
        }

        @Override
        public void close(boolean interrupt) {
            // handle() returns at once; nothing to stop
        }
    }
}
