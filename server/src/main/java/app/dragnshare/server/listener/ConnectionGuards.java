package app.dragnshare.server.listener;

import java.time.Duration;
import java.util.logging.Logger;

import io.helidon.common.socket.SocketOptions;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.websocket.WsConfig;

import app.dragnshare.server.config.ServerConfig;
import app.dragnshare.server.websocket.BulkWsUpgrader;

/**
 * What keeps connections from exhausting the process: a cap on connections per instance (sized
 * under the descriptor limit) and per client address, a deadline for request heads and an idle
 * timeout. {@link #applyTo} puts them on the listener.
 */
public final class ConnectionGuards implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ConnectionGuards.class.getName());
    /** How often Helidon looks for idle connections (its own timestamps move once a second). */
    private static final Duration IDLE_CHECK_EVERY = Duration.ofSeconds(1);

    private final ServerConfig config;
    private final DescriptorBudget budget;
    private final AddressSlots slots;
    private final HeaderDeadlines deadlines;
    private TlsConnections tlsConnections;

    public ConnectionGuards(ServerConfig config) {
        this.config = config;
        int redisConnections = config.redisPoolSize() * Math.max(1, config.redisClusterNodes().size());
        this.budget = DescriptorBudget.of(config.maxConnections(), redisConnections);
        budget.warning().ifPresent(LOG::warning);
        this.slots = new AddressSlots(config.maxConnectionsPerAddress());
        this.deadlines = new HeaderDeadlines(config.headerTimeout());
    }

    /**
     * Configures the listener: HTTP/1.1 (with the WebSocket upgrade) comes only through the
     * {@link GuardedSelector}, not from Helidon's service discovery, so no connection escapes it.
     * WebSocket upgrades get the server's own connection ({@link BulkWsUpgrader}: Helidon's
     * unmasks client frames byte by byte). With TLS, {@link TlsConnections} caps connections and
     * times handshakes out.
     */
    public void applyTo(WebServerConfig.Builder server, WsConfig websocket) {
        Http1Config http1 = Http1Config.builder().addReceiveListener(deadlines).build();
        var http1Selector = Http1ConnectionSelector.builder()
                .config(http1)
                .addUpgrader(BulkWsUpgrader.create(websocket))
                .build();
        if (config.tls()) { // Helidon 4.2.0 would leak a permit per failed handshake: the cap is TlsConnections' then
            tlsConnections = new TlsConnections(server.connectionOptions().orElseGet(SocketOptions::create),
                    budget.connections(), config.headerTimeout());
            server.connectionOptions(tlsConnections).maxTcpConnections(-1);
        } else {
            server.maxTcpConnections(budget.connections());
        }
        server.protocolsDiscoverServices(false)
                .addProtocol(websocket)
                .addConnectionSelector(new GuardedSelector(http1Selector, slots, deadlines, evictAbove(budget.connections())))
                .idleConnectionTimeout(config.idleTimeout())
                .idleConnectionPeriod(IDLE_CHECK_EVERY);
    }

    /** Room is made from 90% of the cap on, so the last tenth stays free for clients that send their request at once. */
    static int evictAbove(int maxConnections) {
        return maxConnections - Math.max(1, maxConnections / 10);
    }

    public ListenerHealthCheck healthCheck(ListenerWatchdog watchdog) {
        return new ListenerHealthCheck(watchdog, budget.connections(), slots, deadlines);
    }

    /** The connection cap in force: MAX_CONNECTIONS or what the descriptor limit allows. */
    public int maxConnections() {
        return budget.connections();
    }

    /** TLS connections open now, handshaking or not (0 without TLS). */
    public int tlsConnections() {
        return tlsConnections == null ? 0 : tlsConnections.count();
    }

    @Override
    public void close() {
        deadlines.close();
        if (tlsConnections != null) {
            tlsConnections.close();
        }
    }
}
