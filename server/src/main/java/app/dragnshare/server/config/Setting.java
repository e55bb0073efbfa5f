package app.dragnshare.server.config;

/**
 * Every setting of the server: its environment variable, its default and what it means. This
 * enum is the one place they are listed; the README's configuration table mirrors it (a test
 * checks that it does).
 */
public enum Setting {
    PORT("8080", "HTTP port the server listens on."),
    HOST("0.0.0.0", "Address the server binds to."),
    PUBLIC_URL("", "Base URL people reach the server at, used in the startup message. Default: http://localhost:PORT."),
    SERVER_MODE("dev", "`dev` or `prod`. In `prod` the server refuses to start with a JWT_KEY shorter than 32 bytes or a Redis without a password."),
    REDIS_URL("", "`redis://[user:password@]host:port[/db]`, or `rediss://` for TLS. Unset: the server runs its own embedded Redis on loopback ports with a random password, and keeps its sessions in DATA_DIR across restarts."),
    REDIS_CLUSTER_NODES("", "Comma-separated `host:port` seeds of a Redis Cluster; used instead of REDIS_URL when set."),
    DATABASE_PASSWORD("", "Redis password, for a REDIS_URL (or cluster) that does not carry one."),
    REDIS_POOL_SIZE("64", "Redis connections one instance opens for sessions, joins, sharer inboxes, presence and wake-ups. Nothing holds one while it waits (idle sharers wait on one shared pub/sub connection), so this does not grow with connected sharers; each open connection costs the instance a socket and Redis about 20 KB."),
    JWT_KEY("", "HS256 key for member tokens (at least 32 bytes). Unset (dev mode only): a random key made once and kept in DATA_DIR (`jwt-key`, mode 600), so tokens survive a restart; instances on other machines need JWT_KEY set to one shared key."),
    TOKEN_TTL("24h", "How long a member token is valid."),
    SESSION_IDLE_TTL("30m", "A session with no member connected and no request expires after this long; all its keys go with it."),
    MAX_MEMBERS_PER_SESSION("50", "Members (host included) one session admits."),
    MAX_FILES_PER_SESSION("2000", "Files one session can list (a shared folder counts each file below it). Each costs about 230 bytes of Redis and 210 bytes in every listing of the session, which each member's page reads on every change and every 10 s while shown: 2,000 files make a 425 KB answer (measured)."),
    MAX_FILE_SIZE("1099511627776", "Largest file size in bytes that can be registered (default 1 TiB)."),
    MAX_NAME_LENGTH("255", "Longest file name, in characters; in a path (`photos/2024/a.jpg`), each folder's and the file's name. A whole path may have 1,024 characters (or this many, if more)."),
    MAX_TRANSFERS_PER_INSTANCE("1000", "Downloads one server instance streams at once; more get 503 server-busy. Bounds Redis memory (instances × this × CHUNK_WINDOW_MAX) and the server's heap (about 2 MiB per running transfer, measured: size -Xmx with it)."),
    MAX_TRANSFERS_PER_SENDER("8", "Transfers one connected sharer serves at once; further requests wait in its inbox."),
    CHUNK_QUEUE_DEPTH("8", "Encrypted chunks of one transfer that may be on their way at first (the credits the receiver's side hands out); the window grows from here up to CHUNK_WINDOW_MAX on a long link."),
    MAX_CHUNK_SIZE("1048576", "Largest plaintext chunk size a sharer may offer, in bytes."),
    MAX_REQUEST_BYTES("65536", "Largest REST request body and WebSocket text message, in bytes."),
    JOIN_ATTEMPTS_PER_WINDOW("10", "Failed join attempts one client address may make on one session per RATE_WINDOW."),
    SESSIONS_PER_WINDOW("30", "Sessions one client address may create per RATE_WINDOW."),
    RATE_WINDOW("10m", "The window of the rate limits above and of JOIN_SESSIONS_PER_WINDOW."),
    TRUST_FORWARDED_FOR("false", "`true` behind a reverse proxy: the client address is the last entry of X-Forwarded-For."),
    AUTH_TIMEOUT("5s", "A WebSocket must authenticate within this long after it opens."),
    OFFER_TIMEOUT("2m", "How long a download waits for the sharer to answer its request."),
    STALL_TIMEOUT("60s", "A transfer that moves no chunk for this long fails; so does one whose receiver takes no data for this long."),
    PEER_TIMEOUT("10s", "A transfer fails this long after the other side's server instance stops answering for it."),
    SHUTDOWN_GRACE("10s", "On shutdown, how long running transfers may take to finish before they are failed."),
    JOIN_SESSIONS_PER_WINDOW("50", "Different sessions one client address may fail to join per RATE_WINDOW; then its joins get 429 until the window ends. Bounds what an address's failed joins keep in Redis."),
    MAX_WAITING_REQUESTS("64", "Download requests that may wait in one sharer's inbox; one more gets 503 sharer-busy (clients retry)."),
    HEADER_TIMEOUT("10s", "A connection must deliver a whole request head (request line and headers) within this long after it is accepted, or after the request line on a kept-alive connection; otherwise it is closed. Does not apply to a WebSocket once open."),
    IDLE_TIMEOUT("60s", "A connection with no request running is closed after this long without one; a WebSocket after this long without a frame from its client (clients answer the server's pings, sent every 10 s). At least 20s."),
    MAX_CONNECTIONS("10000", "Most TCP connections one instance holds at once; more wait in the kernel's accept queue. From 90% of it on, each new connection closes the one that has waited longest for its request head. Lowered at startup to what the process's descriptor limit (`ulimit -n`) leaves after REDIS_POOL_SIZE and a reserve, with a warning."),
    MAX_CONNECTIONS_PER_ADDRESS("100", "Most TCP connections one client address (an IPv6 one: its /64 network) holds at once; more are closed as soon as they are accepted. Behind a reverse proxy every client shares the proxy's address: set it to MAX_CONNECTIONS there and cap clients in the proxy."),
    CHUNK_WINDOW_MAX("8388608", "Most bytes of one transfer's chunks on their way at once, in bytes (default 8 MiB). A transfer starts with CHUNK_QUEUE_DEPTH chunks and grows its window up to this while the receiver's side waits for the sharer (a long link), so Redis may hold up to this much per transfer."),
    REDIS_TRANSFER_POOL_SIZE("", "Redis connections one instance may open for running and pending transfers, apart from REDIS_POOL_SIZE so transfers cannot starve sharers or the REST API. Each running transfer end blocks on one; pending downloads hold none while they wait. The default, 2 × MAX_TRANSFERS_PER_INSTANCE + 16, means a transfer never waits for one; less is allowed (with a startup warning) when few transfers run at once. Opened only while used: idle, it costs nothing."),
    RECEIPT_TIMEOUT("30s", "After a transfer's last chunk, how long the sharer's side waits for the receiver's receipt (PROTOCOL.md §4.9) before it tells the sharer the file is unconfirmed. At most 90s."),
    DATA_DIR("", "Folder for what the server keeps across restarts when it needs to: the embedded Redis's snapshot of sessions, members and file lists (never file contents), the token key when JWT_KEY is unset, and the TLS_SELF_SIGNED certificate. Made (mode 700) only then, and said at startup. Default: `$XDG_DATA_HOME/drag-n-share` (`~/.local/share/drag-n-share`); `~/Library/Application Support/Drag-n-Share` on macOS; `%LOCALAPPDATA%\\Drag-n-Share` on Windows."),
    TLS_CERT_FILE("", "PEM file with the server's certificate chain, its own certificate first. With TLS_KEY_FILE the server speaks HTTPS (and WSS) itself on PORT."),
    TLS_KEY_FILE("", "PEM file with the certificate's private key: unencrypted PKCS#8 (`BEGIN PRIVATE KEY`) or RSA PKCS#1 (`BEGIN RSA PRIVATE KEY`)."),
    TLS_SELF_SIGNED("false", "`true`: HTTPS with a self-signed certificate made once and kept in DATA_DIR, for a home network. Its SHA-256 fingerprint is printed at startup: compare it with what the browser shows, and give it to the CLI with `--trust-fingerprint`.");

    private final String defaultValue;
    private final String description;

    Setting(String defaultValue, String description) {
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }
}
