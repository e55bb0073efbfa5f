package app.dragnshare.server.listener;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

import javax.net.ssl.SSLSocket;

import io.helidon.common.socket.SocketOptions;

/**
 * The listener's socket options, plus what guards TLS connections where Helidon 4.2.0 cannot.
 * Its {@code ConnectionHandler} runs each TLS handshake before any selector sees the connection,
 * with no timeout, and when a handshake fails (a client that connected and left, spoke plain
 * HTTP to the port, or refused the certificate) it neither closes the socket nor gives back the
 * connection's permit (Helidon 4.5 does both): permits would leak away until the listener
 * accepted nobody. So with TLS the listener gets no permits ({@code maxTcpConnections} -1) and
 * this class caps connections instead. Every accepted socket is tracked until it is closed; at
 * the cap, a new one closes the one that has waited longest for its handshake (or, when every
 * slot holds a handshaken connection, is closed itself); one whose handshake is not done
 * HEADER_TIMEOUT after it was accepted is closed. After its handshake a connection is guarded
 * like any other ({@link GuardedSelector}).
 */
final class TlsConnections implements SocketOptions, AutoCloseable {
    private static final Logger LOG = Logger.getLogger(TlsConnections.class.getName());
    private static final Duration SWEEP_EVERY = Duration.ofMillis(500);

    private final SocketOptions options;
    private final int maxConnections;
    private final Duration handshakeTimeout;
    /** Open TLS sockets: when each was accepted (nanoTime), or 0 once its handshake is done. */
    private final Map<SSLSocket, AtomicLong> open = new ConcurrentHashMap<>();
    private final Thread sweeper;
    private volatile boolean closed;

    TlsConnections(SocketOptions options, int maxConnections, Duration handshakeTimeout) {
        this.options = options;
        this.maxConnections = maxConnections;
        this.handshakeTimeout = handshakeTimeout;
        this.sweeper = Thread.ofPlatform().daemon().name("tls-connections").start(this::sweep);
    }

    /** Called by Helidon's accept loop for each accepted socket, before its handshake. */
    @Override
    public void configureSocket(Socket socket) {
        options.configureSocket(socket);
        if (!(socket instanceof SSLSocket tls)) {
            return;
        }
        if (open.size() >= maxConnections && !closeLongestHandshaking()) {
            closeQuietly(tls); // every slot holds a working connection: this one's handshake fails at once
            return;
        }
        AtomicLong accepted = new AtomicLong(System.nanoTime() | 1); // never 0, which means "handshake done"
        open.put(tls, accepted);
        try {
            tls.setSoTimeout((int) Math.min(Integer.MAX_VALUE, handshakeTimeout.toMillis()));
        } catch (IOException e) {
            closeQuietly(tls);
            return;
        }
        tls.addHandshakeCompletedListener(done -> {
            accepted.set(0);
            try {
                done.getSocket().setSoTimeout(0); // from here on, reads wait as on plain HTTP
            } catch (IOException e) {
                LOG.fine(() -> "closed right after its handshake: " + e.getMessage());
            }
        });
    }

    /**
     * Makes room as {@link GuardedSelector} does for request heads: the connection that has waited
     * longest for its handshake goes, so a real client gets in while others hold slots idly.
     */
    private boolean closeLongestHandshaking() {
        SSLSocket oldest = null;
        long oldestSince = Long.MAX_VALUE;
        for (Map.Entry<SSLSocket, AtomicLong> entry : open.entrySet()) {
            long since = entry.getValue().get();
            if (since != 0 && since - oldestSince < 0) {
                oldest = entry.getKey();
                oldestSince = since;
            }
        }
        if (oldest == null || open.remove(oldest) == null) {
            return false;
        }
        SSLSocket closing = oldest;
        Thread.ofVirtual().start(() -> closeQuietly(closing)); // a close may wait for the handshake's lock
        return true;
    }

    /** TLS connections open now (handshaking or handshaken), for tests and health. */
    int count() {
        return open.size();
    }

    private void sweep() {
        while (!closed) {
            long now = System.nanoTime();
            open.forEach((socket, accepted) -> {
                long since = accepted.get();
                if (socket.isClosed()) {
                    open.remove(socket);
                } else if (since != 0 && now - since > handshakeTimeout.toNanos()) {
                    // a handshake that did not finish in time (or failed without closing): close it
                    Thread.ofVirtual().start(() -> closeQuietly(socket)); // a close may wait for the handshake's lock
                }
            });
            try {
                Thread.sleep(SWEEP_EVERY);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            LOG.fine(() -> "closing a TLS socket: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        sweeper.interrupt();
    }

    @Override
    public Map<SocketOption<?>, Object> socketOptions() {
        return options.socketOptions();
    }

    @Override
    public Duration connectTimeout() {
        return options.connectTimeout();
    }

    @Override
    public Duration readTimeout() {
        return options.readTimeout();
    }

    @Override
    public Optional<Integer> socketReceiveBufferSize() {
        return options.socketReceiveBufferSize();
    }

    @Override
    public Optional<Integer> socketSendBufferSize() {
        return options.socketSendBufferSize();
    }

    @Override
    public boolean socketReuseAddress() {
        return options.socketReuseAddress();
    }

    @Override
    public boolean socketKeepAlive() {
        return options.socketKeepAlive();
    }

    @Override
    public boolean tcpNoDelay() {
        return options.tcpNoDelay();
    }
}
