package app.dragnshare.server.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The server's whole configuration, read once from environment variables (see {@link Setting}).
 *
 * @param jwtKeyInDataDir true when JWT_KEY was unset (dev mode): the key is the one kept in
 *                        {@code dataDir} (made there once), and {@code jwtKey} is empty
 * @param dataDir         DATA_DIR, or its default; made only when something is kept there
 * @param tlsCertFile     TLS_CERT_FILE (then tlsKeyFile is present as well)
 * @param warnings        things an operator should hear about at startup
 */
public record ServerConfig(
        String host,
        int port,
        String publicUrl,
        boolean production,
        Optional<String> redisUrl,
        List<String> redisClusterNodes,
        Optional<String> redisPassword,
        int redisPoolSize,
        byte[] jwtKey,
        boolean jwtKeyInDataDir,
        Duration tokenTtl,
        Duration sessionIdleTtl,
        int maxMembersPerSession,
        int maxFilesPerSession,
        long maxFileSize,
        int maxNameLength,
        int maxTransfersPerInstance,
        int maxTransfersPerSender,
        int chunkQueueDepth,
        int maxChunkSize,
        int maxRequestBytes,
        int joinAttemptsPerWindow,
        int sessionsPerWindow,
        Duration rateWindow,
        boolean trustForwardedFor,
        Duration authTimeout,
        Duration offerTimeout,
        Duration stallTimeout,
        Duration peerTimeout,
        Duration shutdownGrace,
        int joinSessionsPerWindow,
        int maxWaitingRequests,
        Duration headerTimeout,
        Duration idleTimeout,
        int maxConnections,
        int maxConnectionsPerAddress,
        long chunkWindowMax,
        int redisTransferPoolSize,
        Path dataDir,
        Optional<Path> tlsCertFile,
        Optional<Path> tlsKeyFile,
        boolean tlsSelfSigned,
        List<String> warnings,
        Duration receiptTimeout) {

    public static final int MIN_JWT_KEY_BYTES = 32;
    public static final Duration MIN_IDLE_TIMEOUT = Duration.ofSeconds(20);

    public static ServerConfig fromEnvironment() {
        return from(System.getenv());
    }

    /** Reads the settings from {@code env}; throws {@link ConfigException} with a message that says what to fix. */
    public static ServerConfig from(Map<String, String> env) {
        Reader r = new Reader(env);
        List<String> warnings = new ArrayList<>();
        boolean production = switch (r.text(Setting.SERVER_MODE).toLowerCase(Locale.ROOT)) {
            case "prod", "production" -> true;
            case "dev", "development" -> false;
            default -> throw new ConfigException("SERVER_MODE must be dev or prod, not '" + r.text(Setting.SERVER_MODE) + "'");
        };
        int port = r.integer(Setting.PORT, 0, 65535);
        Optional<Path> tlsCertFile = r.optional(Setting.TLS_CERT_FILE).map(Path::of);
        Optional<Path> tlsKeyFile = r.optional(Setting.TLS_KEY_FILE).map(Path::of);
        boolean tlsSelfSigned = r.bool(Setting.TLS_SELF_SIGNED);
        if (tlsCertFile.isPresent() != tlsKeyFile.isPresent()) {
            throw new ConfigException("TLS_CERT_FILE and TLS_KEY_FILE go together: set both (the certificate chain and its "
                    + "private key, PEM) or neither");
        }
        if (tlsSelfSigned && tlsCertFile.isPresent()) {
            throw new ConfigException("TLS_SELF_SIGNED=true makes its own certificate: unset it, or TLS_CERT_FILE and TLS_KEY_FILE");
        }
        boolean tls = tlsSelfSigned || tlsCertFile.isPresent();
        String publicUrl = r.text(Setting.PUBLIC_URL).isBlank()
                ? (tls ? "https" : "http") + "://localhost:" + port
                : r.text(Setting.PUBLIC_URL).replaceAll("/+$", "");

        String jwtKeyText = r.text(Setting.JWT_KEY);
        boolean inDataDir = jwtKeyText.isEmpty();
        byte[] jwtKey;
        if (inDataDir) {
            if (production) {
                throw new ConfigException("JWT_KEY is not set. In prod mode every instance needs the same key of at least "
                        + MIN_JWT_KEY_BYTES + " bytes: generate one with `openssl rand -base64 48`.");
            }
            jwtKey = new byte[0]; // the data folder's key, read (or made) when the server starts
        } else {
            jwtKey = jwtKeyText.getBytes(StandardCharsets.UTF_8);
            if (jwtKey.length < MIN_JWT_KEY_BYTES) {
                String message = "JWT_KEY is only " + jwtKey.length + " bytes; anyone who guesses it can forge tokens. Use at least "
                        + MIN_JWT_KEY_BYTES + " random bytes, e.g. `openssl rand -base64 48`.";
                if (production) {
                    throw new ConfigException(message);
                }
                warnings.add("!!! INSECURE !!! " + message);
            }
        }

        Optional<String> redisUrl = r.optional(Setting.REDIS_URL);
        List<String> clusterNodes = r.optional(Setting.REDIS_CLUSTER_NODES)
                .map(s -> List.of(s.split("\\s*,\\s*"))).orElse(List.of());
        Optional<String> redisPassword = r.optional(Setting.DATABASE_PASSWORD);
        if (production && (redisUrl.isPresent() || !clusterNodes.isEmpty())
                && redisPassword.isEmpty() && redisUrl.map(u -> !u.matches("^rediss?://[^/]*:[^/@]+@.*")).orElse(true)) {
            throw new ConfigException("Redis has no password. In prod mode set DATABASE_PASSWORD (and `requirepass` in redis.conf) "
                    + "or put the password in REDIS_URL (redis://:PASSWORD@host:6379).");
        }

        Duration idleTimeout = r.duration(Setting.IDLE_TIMEOUT);
        if (idleTimeout.compareTo(MIN_IDLE_TIMEOUT) < 0) {
            // a sharer's socket hears from its client only in answer to the server's pings, every 10 s
            throw new ConfigException("IDLE_TIMEOUT must be at least " + MIN_IDLE_TIMEOUT.toSeconds()
                    + "s (twice the WebSocket ping interval), not '" + r.text(Setting.IDLE_TIMEOUT) + "'");
        }

        return new ServerConfig(
                r.text(Setting.HOST),
                port,
                publicUrl,
                production,
                redisUrl,
                clusterNodes,
                redisPassword,
                r.integer(Setting.REDIS_POOL_SIZE, 8, 100_000),
                jwtKey,
                inDataDir,
                r.duration(Setting.TOKEN_TTL),
                r.duration(Setting.SESSION_IDLE_TTL),
                r.integer(Setting.MAX_MEMBERS_PER_SESSION, 1, 10_000),
                r.integer(Setting.MAX_FILES_PER_SESSION, 1, 100_000),
                r.longInteger(Setting.MAX_FILE_SIZE, 0, Long.MAX_VALUE),
                r.integer(Setting.MAX_NAME_LENGTH, 1, 4096),
                r.integer(Setting.MAX_TRANSFERS_PER_INSTANCE, 1, 1_000_000),
                r.integer(Setting.MAX_TRANSFERS_PER_SENDER, 1, 10_000),
                r.integer(Setting.CHUNK_QUEUE_DEPTH, 1, 1024),
                r.integer(Setting.MAX_CHUNK_SIZE, 1024, 16 * 1024 * 1024),
                r.integer(Setting.MAX_REQUEST_BYTES, 1024, 16 * 1024 * 1024),
                r.integer(Setting.JOIN_ATTEMPTS_PER_WINDOW, 1, 1_000_000),
                r.integer(Setting.SESSIONS_PER_WINDOW, 1, 1_000_000),
                r.duration(Setting.RATE_WINDOW),
                r.bool(Setting.TRUST_FORWARDED_FOR),
                r.duration(Setting.AUTH_TIMEOUT),
                r.duration(Setting.OFFER_TIMEOUT),
                r.duration(Setting.STALL_TIMEOUT),
                r.duration(Setting.PEER_TIMEOUT),
                r.duration(Setting.SHUTDOWN_GRACE),
                r.integer(Setting.JOIN_SESSIONS_PER_WINDOW, 1, 10_000),
                r.integer(Setting.MAX_WAITING_REQUESTS, 1, 100_000),
                r.duration(Setting.HEADER_TIMEOUT),
                idleTimeout,
                r.integer(Setting.MAX_CONNECTIONS, 16, 10_000_000),
                r.integer(Setting.MAX_CONNECTIONS_PER_ADDRESS, 1, 10_000_000),
                r.longInteger(Setting.CHUNK_WINDOW_MAX, 1024, 1L << 30),
                transferPoolSize(r, warnings),
                r.optional(Setting.DATA_DIR).map(Path::of).orElseGet(() -> DefaultDataDir.of(env)),
                tlsCertFile,
                tlsKeyFile,
                tlsSelfSigned,
                List.copyOf(warnings),
                receiptTimeout(r));
    }

    /** Bounded below the transfer keys' two-minute TTL, which must outlive the wait. */
    private static Duration receiptTimeout(Reader r) {
        Duration timeout = r.duration(Setting.RECEIPT_TIMEOUT);
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(Duration.ofSeconds(90)) > 0) {
            throw new ConfigException("RECEIPT_TIMEOUT must be between 1s and 90s, not " + r.text(Setting.RECEIPT_TIMEOUT));
        }
        return timeout;
    }

    /** Whether the server serves HTTPS itself (TLS_CERT_FILE and TLS_KEY_FILE, or TLS_SELF_SIGNED). */
    public boolean tls() {
        return tlsSelfSigned || tlsCertFile.isPresent();
    }

    /** Whether Redis is the server's own embedded one (no REDIS_URL, no cluster): its snapshot lives in DATA_DIR. */
    public boolean embeddedRedis() {
        return redisUrl.isEmpty() && redisClusterNodes.isEmpty();
    }

    /**
     * Every running transfer end may block on one connection: both ends of MAX_TRANSFERS_PER_INSTANCE,
     * plus short pushes. Fewer is allowed (pending downloads hold none), with a warning.
     */
    private static int transferPoolSize(Reader r, List<String> warnings) {
        int safe = 2 * r.integer(Setting.MAX_TRANSFERS_PER_INSTANCE, 1, 1_000_000) + 16;
        if (r.optional(Setting.REDIS_TRANSFER_POOL_SIZE).isEmpty()) {
            return safe;
        }
        int size = r.integer(Setting.REDIS_TRANSFER_POOL_SIZE, 4, 10_000_000);
        if (size < safe) {
            warnings.add("REDIS_TRANSFER_POOL_SIZE=" + size + " is below 2 × MAX_TRANSFERS_PER_INSTANCE + 16 = " + safe
                    + ": when more transfer ends run at once than it has connections, they wait for one (up to 5 s) and may fail");
        }
        return size;
    }

    /** Parses each kind of value, naming the variable in every error. */
    private record Reader(Map<String, String> env) {
        String text(Setting s) {
            String value = env.get(s.name());
            return value == null ? s.defaultValue() : value.trim();
        }

        Optional<String> optional(Setting s) {
            String value = text(s);
            return value.isEmpty() ? Optional.empty() : Optional.of(value);
        }

        int integer(Setting s, int min, int max) {
            return (int) longInteger(s, min, max);
        }

        long longInteger(Setting s, long min, long max) {
            try {
                long value = Long.parseLong(text(s));
                if (value < min || value > max) {
                    throw new ConfigException(s.name() + " must be between " + min + " and " + max + ", not " + value);
                }
                return value;
            } catch (NumberFormatException e) {
                throw new ConfigException(s.name() + " must be a whole number, not '" + text(s) + "'");
            }
        }

        boolean bool(Setting s) {
            return switch (text(s).toLowerCase(Locale.ROOT)) {
                case "true", "yes", "1" -> true;
                case "false", "no", "0" -> false;
                default -> throw new ConfigException(s.name() + " must be true or false, not '" + text(s) + "'");
            };
        }

        /** "500ms", "90s", "15m", "24h", or plain seconds. */
        Duration duration(Setting s) {
            String value = text(s).toLowerCase(Locale.ROOT);
            try {
                Duration d;
                if (value.endsWith("ms")) {
                    d = Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2)));
                } else if (value.endsWith("s")) {
                    d = Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1)));
                } else if (value.endsWith("m")) {
                    d = Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1)));
                } else if (value.endsWith("h")) {
                    d = Duration.ofHours(Long.parseLong(value.substring(0, value.length() - 1)));
                } else {
                    d = Duration.ofSeconds(Long.parseLong(value));
                }
                if (d.isNegative() || d.isZero()) {
                    throw new ConfigException(s.name() + " must be positive, not '" + text(s) + "'");
                }
                return d;
            } catch (NumberFormatException e) {
                throw new ConfigException(s.name() + " must be a duration such as 30s, 15m or 24h, not '" + text(s) + "'");
            }
        }
    }
}
