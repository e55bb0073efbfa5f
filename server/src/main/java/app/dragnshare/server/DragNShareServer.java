package app.dragnshare.server;

import static app.dragnshare.server.http.JsonBuilders.JSON;

import java.net.StandardSocketOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.logging.Logger;

import io.helidon.common.socket.SocketOptions;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRouting;


import app.dragnshare.server.auth.Authenticator;
import app.dragnshare.server.auth.Tokens;
import app.dragnshare.server.config.ServerConfig;
import app.dragnshare.server.data.DataDir;
import app.dragnshare.server.http.AbortedRequests;
import app.dragnshare.server.http.ApiException;
import app.dragnshare.server.http.ErrorResponses;
import app.dragnshare.server.http.HelidonRefusals;
import app.dragnshare.server.listener.ConnectionGuards;
import app.dragnshare.server.listener.ListenerWatchdog;
import app.dragnshare.server.listener.PortCheck;
import app.dragnshare.server.metrics.ServerMetrics;
import app.dragnshare.server.redis.RedisConnection;
import app.dragnshare.server.redis.RedisHealthCheck;
import app.dragnshare.server.listener.AcceptingHealthCheck;
import app.dragnshare.server.session.FilePaths;
import app.dragnshare.server.session.Inbox;
import app.dragnshare.server.session.NewFiles;
import app.dragnshare.server.session.Presence;
import app.dragnshare.server.session.RateLimits;
import app.dragnshare.server.session.SessionService;
import app.dragnshare.server.session.SessionStore;
import app.dragnshare.server.sharer.SharerUpkeep;
import app.dragnshare.server.tls.ServerTls;
import app.dragnshare.server.download.ActiveDownloads;
import app.dragnshare.server.download.DownloadService;
import app.dragnshare.server.relay.LivenessMarks;
import app.dragnshare.server.relay.Messages;
import app.dragnshare.server.sharer.OpenSockets;
import app.dragnshare.server.relay.Relay;
import app.dragnshare.server.relay.RelayTap;
import app.dragnshare.server.download.ReportService;
import app.dragnshare.server.sharer.SharerSocket;
import app.dragnshare.server.sharer.SocketContext;
import app.dragnshare.server.download.StallWatch;
import app.dragnshare.server.relay.TransferSettings;
import app.dragnshare.server.web.PageService;
import app.dragnshare.server.wakeup.Wakeups;
import app.dragnshare.server.web.SecurityHeaders;

/**
 * One running server instance: wires configuration, Redis, the REST services, the sharer
 * WebSocket and the page into a Helidon WebServer. {@link Main} starts one; tests start several.
 */
public final class DragNShareServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(DragNShareServer.class.getName());
    /** Transfer lists live this long after their last push; far above any wait, far below forever. */
    private static final Duration TRANSFER_KEY_TTL = Duration.ofMinutes(2);
    private static final Duration PRESENCE_TTL = Duration.ofSeconds(10);
    private static final Duration LISTENER_PROBE_EVERY = Duration.ofSeconds(2);
    /**
     * Receive buffer of every accepted socket, in bytes; Linux caps it at {@code net.core.rmem_max}
     * (often 208 KiB: raise it on a server for senders far away) and doubles it for bookkeeping.
     */
    static final int RECEIVE_BUFFER = 4 * 1024 * 1024;

    /** Exit status when the listener died: the supervisor should restart the instance. */
    public static final int EXIT_LISTENER_DIED = 3;

    private final ServerConfig config;
    private final Kept kept;
    private final RedisConnection redis;
    private final WebServer webServer;
    private final OpenSockets sockets;
    private final ActiveDownloads downloads;
    private final ListenerWatchdog watchdog;
    /** Background loops of this instance (liveness marks, stall watch, header deadlines, watchdog), stopped with it. */
    private final List<AutoCloseable> housekeeping;

    private DragNShareServer(ServerConfig config, Kept kept, RedisConnection redis, WebServer webServer, OpenSockets sockets,
                             ActiveDownloads downloads, ListenerWatchdog watchdog, List<AutoCloseable> housekeeping) {
        this.config = config;
        this.kept = kept;
        this.redis = redis;
        this.webServer = webServer;
        this.sockets = sockets;
        this.downloads = downloads;
        this.watchdog = watchdog;
        this.housekeeping = housekeeping;
    }

    public static DragNShareServer start(ServerConfig config) {
        return start(config, RelayTap.NONE);
    }

    /** Starts an instance; {@code tap} lets a test play a malicious relay. */
    public static DragNShareServer start(ServerConfig config, RelayTap tap) {
        checkPortIsFree(config); // before Redis starts, and in one line instead of Helidon's stack trace
        Optional<DataDir> data = DataDir.openIfNeeded(config);
        try {
            Optional<ServerTls> tls = ServerTls.of(config, data); // a bad certificate stops us before Redis starts
            Optional<DataDir> redisData = data.filter(d -> config.embeddedRedis());
            redisData.ifPresent(DataDir::lockForEmbeddedRedis);
            byte[] jwtKey = config.jwtKeyInDataDir() ? data.orElseThrow().jwtKey() : config.jwtKey();
            RedisConnection redis = RedisConnection.open(config, redisData.map(DataDir::redisFolder));
            try {
                return start(config, new Kept(data, tls, jwtKey), redis, tap);
            } catch (RuntimeException e) {
                redis.close();
                throw e;
            }
        } catch (RuntimeException e) {
            data.ifPresent(DataDir::close);
            throw e;
        }
    }

    /** What this start read from DATA_DIR, or made there, and the TLS it serves. */
    private record Kept(Optional<DataDir> data, Optional<ServerTls> tls, byte[] jwtKey) {
    }

    private static DragNShareServer start(ServerConfig config, Kept kept, RedisConnection redis, RelayTap tap) {
        ConnectionGuards guards = new ConnectionGuards(config); // first: it may refuse to start (too few descriptors)
        var jedis = redis.client();
        Clock clock = Clock.systemUTC();
        TransferSettings settings = TransferSettings.from(config);
        Tokens tokens = new Tokens(kept.jwtKey(), config.tokenTtl(), clock);
        SessionStore store = new SessionStore(jedis, config.sessionIdleTtl(), clock);
        Presence presence = new Presence(jedis, PRESENCE_TTL);
        Wakeups wakeups = new Wakeups(redis);
        Inbox inbox = new Inbox(jedis, wakeups, config.offerTimeout().plus(Duration.ofSeconds(30)), config.maxWaitingRequests());
        SharerUpkeep upkeep = new SharerUpkeep(jedis, presence, inbox, store);
        awaitSubscribed(wakeups);
        // transfers use a pool of their own, so they cannot starve sessions, sharers or the REST API
        Relay relay = new Relay(redis.transfers(), wakeups, TRANSFER_KEY_TTL, config.peerTimeout());
        RateLimits rateLimits = new RateLimits(jedis, config.rateWindow(), config.sessionsPerWindow(),
                config.joinAttemptsPerWindow(), config.joinSessionsPerWindow());
        OpenSockets sockets = new OpenSockets();
        ActiveDownloads downloads = new ActiveDownloads();
        LivenessMarks marks = new LivenessMarks(redis.transfers(), config.peerTimeout());
        StallWatch stallWatch = new StallWatch(downloads, config.stallTimeout());
        SocketContext socketContext = new SocketContext(tokens, store, presence, inbox, relay, tap, settings, sockets, marks,
                wakeups, upkeep, new Semaphore(config.maxTransfersPerInstance()));
        ServerMetrics metrics = new ServerMetrics(sockets::count, downloads::count);

        HttpRouting.Builder routing = HttpRouting.builder()
                .addFilter(new SecurityHeaders())
                .register("/api/sessions", new SessionService(store, presence, inbox, tokens, rateLimits, config, metrics))
                .register("/api/sessions", new DownloadService(new Authenticator(tokens), store, presence, inbox, relay,
                        tap, settings, downloads, metrics, marks))
                .register("/api/sessions", new ReportService(new Authenticator(tokens), relay))
                .get("/api/info", (req, res) -> res.send(JSON.createObjectBuilder()
                        .add("maxFileSize", config.maxFileSize())
                        .add("maxFilesPerSession", config.maxFilesPerSession())
                        .add("maxChunkSize", config.maxChunkSize())
                        .add("protocol", Messages.PROTOCOL)
                        .add("maxFilesPerRequest", NewFiles.MAX_PER_REQUEST)
                        .add("maxPathLength", FilePaths.maxPathLength(config.maxNameLength()))
                        .add("maxRequestBytes", config.maxRequestBytes())
                        .build()))
                .any("/api/*", (req, res) -> {
                    throw new ApiException(Status.NOT_FOUND_404, "not-found", "no such API endpoint");
                })
                .register("/", new PageService());
        ErrorResponses.register(routing);
        AbortedRequests.quietHelidonsLog();

        ListenerWatchdog watchdog = new ListenerWatchdog(config.host(), LISTENER_PROBE_EVERY);
        List<AutoCloseable> housekeeping = List.of(marks, stallWatch, guards, watchdog, upkeep, wakeups);
        var server = WebServer.builder()
                .host(config.host())
                .port(config.port())
                .shutdownHook(false)
                .maxPayloadSize(config.maxRequestBytes())
                // no Nagle: a pull, or a chunk event's head and body, leaves at once, not after the peer's delayed ACK
                .connectionOptions(SocketOptions.builder().tcpNoDelay(true).build())
                // Helidon sets SO_RCVBUF 4096 on the listening socket unless told otherwise, and every
                // accepted socket inherits it, locked (no autotuning): a sharer's upload then moves in
                // 4 KiB windows (one window per round trip: ~80 KB/s at 50 ms; on loopback every read
                // returned 4,096 bytes). Ask for a window like the kernel's own autotuning reaches.
                .putListenerSocketOption(StandardSocketOptions.SO_RCVBUF, RECEIVE_BUFFER)
                .directHandlers(HelidonRefusals.all());
        kept.tls().ifPresent(tls -> server.tls(tls.tls()));
        guards.applyTo(server, WsConfig.builder()
                .name("websocket")
                .maxFrameLength(config.maxChunkSize() + 64 * 1024)
                .build());
        WebServer webServer = server
                .addFeature(ObserveFeature.just(
                        HealthObserver.builder().details(true)
                                .addCheck(new RedisHealthCheck(redis))
                                .addCheck(new AcceptingHealthCheck(downloads::accepting))
                                .addCheck(guards.healthCheck(watchdog))
                                .build(),
                        MetricsObserver.builder().meterRegistry(metrics.registry()).build()))
                .routing(routing)
                .addRouting(WsRouting.builder().endpoint("/api/socket", () -> new SharerSocket(socketContext)))
                .build()
                .start();
        if (!webServer.isRunning()) { // Helidon logs a failed bind and returns a stopped server
            stopAll(housekeeping);
            throw new IllegalStateException(PortCheck.problem(config.host(), config.port())
                    .orElse("the web server did not start on " + config.host() + ":" + config.port() + " (see the log above)"));
        }
        watchdog.start(webServer.port(), webServer::isRunning);
        return new DragNShareServer(config, kept, redis, webServer, sockets, downloads, watchdog, housekeeping);
    }

    private static void checkPortIsFree(ServerConfig config) {
        if (config.port() != 0) {
            PortCheck.problem(config.host(), config.port()).ifPresent(why -> {
                throw new IllegalStateException(why);
            });
        }
    }

    private static void stopAll(List<AutoCloseable> loops) {
        for (AutoCloseable loop : loops) {
            try {
                loop.close();
            } catch (Exception e) {
                LOG.fine(() -> "stopping a background loop: " + e.getMessage());
            }
        }
    }

    /**
     * Exits the process (status {@value #EXIT_LISTENER_DIED}) if the listener stops accepting
     * connections, so a supervisor restarts it instead of leaving a process that serves nobody.
     */
    public void exitIfListenerDies() {
        watchdog.onDeath(() -> {
            System.err.println("Drag-n-Share stops: its listener on port " + port()
                    + " accepts no more connections (see the log); exiting with status " + EXIT_LISTENER_DIED + ".");
            System.exit(EXIT_LISTENER_DIED);
        });
    }

    /** Until the wake-up subscriptions stand, a push could go unheard for a second (the re-check would catch it). */
    private static void awaitSubscribed(Wakeups wakeups) {
        try {
            if (!wakeups.awaitSubscribed(Duration.ofSeconds(5))) {
                LOG.warning("wake-up subscriptions not made within 5 s; sharers rely on the re-check until they are");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public int port() {
        return webServer.port();
    }

    public RedisConnection redis() {
        return redis;
    }

    /** Sharer sockets open on this instance. */
    public int connectedSharers() {
        return sockets.count();
    }

    /** Download streams running on this instance (each transfer has exactly one, on its receiver's instance). */
    public int runningDownloads() {
        return downloads.count();
    }

    /** Transfers running on this instance: download streams plus transfers its sockets serve. */
    public int activeTransfers() {
        return downloads.count() + sockets.activeTransfers();
    }

    public String redisDescription() {
        return redis.description();
    }

    /** DATA_DIR, if this instance keeps anything there (an embedded Redis's sessions, the token key, a certificate). */
    public Optional<java.nio.file.Path> dataDir() {
        return kept.data().map(DataDir::root);
    }

    /** The certificate this instance serves HTTPS with, if it does. */
    public Optional<ServerTls> tls() {
        return kept.tls();
    }

    /** The scheme, loopback address and port a client on this machine reaches this instance at. */
    public java.net.URI localUrl() {
        return java.net.URI.create((kept.tls().isPresent() ? "https" : "http") + "://127.0.0.1:" + port());
    }

    /**
     * Closes this server gracefully when the JVM is asked to exit (SIGTERM, Ctrl-C), with Redis,
     * if it is our embedded one, kept up until the transfers have been told.
     */
    public void closeOnExit() {
        redis.closedByShutdownHookWithin(config.shutdownGrace().plus(Duration.ofSeconds(30)));
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "shutdown"));
    }

    /**
     * Stops gracefully, within about SHUTDOWN_GRACE: new downloads get 503 and sockets take no new
     * requests at once; running transfers may finish during the grace period; whatever still runs
     * then fails cleanly (receivers get an error event "shutting-down", sharers a 1001 close, on
     * which they reconnect to another instance). Then the web server and, if it is ours, Redis stop.
     */
    @Override
    public void close() {
        try {
            watchdog.close(); // a stopping listener is not a dead one
            downloads.refuseNew();
            sockets.drainAll();
            awaitQuiet(config.shutdownGrace());
            downloads.stopAll();
            sockets.closeAll();
            awaitQuiet(Duration.ofSeconds(5)); // streams end at their next wake-up, at most one blocking pop away
            webServer.stop();
            stopAll(housekeeping);
        } finally {
            try {
                redis.close(); // always: an embedded Redis must not outlive us
            } finally {
                kept.data().ifPresent(DataDir::close); // after Redis: its lock guards Redis's snapshot
                LOG.info("stopped");
            }
        }
    }

    private void awaitQuiet(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while ((downloads.count() > 0 || sockets.activeTransfers() > 0) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50); // bounded wait for transfers that end by themselves
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
