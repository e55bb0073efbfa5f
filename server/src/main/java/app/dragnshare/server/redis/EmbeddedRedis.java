package app.dragnshare.server.redis;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import java.util.regex.Pattern;

import redis.embedded.core.ExecutableProvider;

/**
 * A redis-server process of our own: the binary embedded-redis ships, run by us. We do not
 * use embedded-redis's RedisServer because it always registers a shutdown hook that stops
 * Redis the moment the JVM begins to exit, in parallel with our graceful shutdown, which still
 * needs Redis to tell clients and clean up (seen: on SIGTERM running transfers failed with
 * "database unreachable" instead of "shutting-down"). Our hook waits for the owner's close when
 * the owner said it will close on exit, and stops Redis itself otherwise (tests, benchmarks)
 * or once that close takes too long. The configuration, password included, goes in on stdin,
 * so it is neither on a command line ({@code ps}) nor in a file.
 */
final class EmbeddedRedis {
    private static final Logger LOG = Logger.getLogger(EmbeddedRedis.class.getName());
    private static final Duration START_TIMEOUT = Duration.ofSeconds(15);
    private static final String READY = "Ready to accept connections";
    /** What Redis logs when something went wrong once it runs (its log marks even its banner as a warning). */
    private static final Pattern TROUBLE = Pattern.compile("(?i)error|failed|can't|cannot");

    private final Process process;
    private final int port;
    private final boolean persistent;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread exitHook = new Thread(this::stopAtExit, "embedded-redis-stop");
    private volatile Duration ownerClosesWithin;

    private EmbeddedRedis(Process process, int port, boolean persistent) {
        this.process = process;
        this.port = port;
        this.persistent = persistent;
    }

    /**
     * @param settings        redis.conf lines beyond port, address and password (persistence)
     * @param snapshotFolder  where its snapshot is, if it keeps one: named when it cannot start
     */
    static EmbeddedRedis start(String password, List<String> settings, Optional<Path> snapshotFolder) {
        File binary;
        try {
            binary = ExecutableProvider.newJarResourceProvider().get();
        } catch (IOException e) {
            throw new IllegalStateException("could not unpack the embedded redis-server: " + e.getMessage()
                    + " (set REDIS_URL to use an installed Redis instead)", e);
        }
        String why = "";
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = FreePort.find();
            Process process = null;
            try {
                process = new ProcessBuilder(binary.getPath(), "-").redirectErrorStream(true).start();
                try (Writer config = process.outputWriter(StandardCharsets.UTF_8)) {
                    config.write(String.join("\n", "port " + port, "bind 127.0.0.1", "requirepass " + password,
                            "appendonly no", "maxclients 10000", String.join("\n", settings), ""));
                }
                Optional<String> failure = awaitReady(process);
                if (failure.isEmpty()) {
                    EmbeddedRedis embedded = new EmbeddedRedis(process, port, snapshotFolder.isPresent());
                    Runtime.getRuntime().addShutdownHook(embedded.exitHook);
                    return embedded;
                }
                process.destroyForcibly();
                why = failure.get(); // most likely the port was taken in between; try another
            } catch (IOException e) {
                if (process != null) {
                    process.destroyForcibly();
                }
                why = e.getMessage();
            }
        }
        String snapshot = snapshotFolder.map(f -> f.resolve(RedisConnection.SNAPSHOT_FILE)).filter(Files::exists)
                .map(f -> "; if its snapshot " + f + " is damaged, move it away to start without the sessions it holds")
                .orElse("");
        throw new IllegalStateException("could not start the embedded Redis: " + why + snapshot
                + " (or set REDIS_URL to use an installed Redis instead)");
    }

    /**
     * Stops (SIGKILL: no last snapshot) the redis-server whose pid {@code pidFile} names, if it
     * still runs: one that a server killed without its shutdown left behind.
     */
    static void stopLeftover(Path pidFile) {
        Optional<ProcessHandle> leftover;
        Instant written;
        try {
            if (!Files.exists(pidFile)) {
                return;
            }
            leftover = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip()));
            written = Files.getLastModifiedTime(pidFile).toInstant();
        } catch (IOException | NumberFormatException e) {
            leftover = Optional.empty();
            written = Instant.EPOCH;
        }
        // the very process that wrote the file: a redis-server started just before it, not a reused pid
        Instant pidWritten = written;
        leftover.filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> Path.of(c).getFileName().toString().startsWith("redis-server"))
                        .orElse(false))
                .filter(p -> p.info().startInstant().map(started -> !started.isAfter(pidWritten)
                        && Duration.between(started, pidWritten).toSeconds() < 60).orElse(false))
                .ifPresent(p -> {
                    LOG.warning("stopping redis-server " + p.pid() + ", left running by a Drag-n-Share server that was killed");
                    p.destroyForcibly();
                    p.onExit().orTimeout(5, TimeUnit.SECONDS).exceptionally(e -> p).join();
                });
        try {
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            LOG.fine(() -> "removing " + pidFile + ": " + e.getMessage());
        }
    }

    /** Reads Redis's log until it is ready (empty) or has exited (what it said); logs the rest at FINE. */
    private static Optional<String> awaitReady(Process process) {
        CompletableFuture<Optional<String>> ready = new CompletableFuture<>();
        Thread.ofVirtual().name("embedded-redis-log").start(() -> {
            StringBuilder said = new StringBuilder();
            try (BufferedReader log = process.inputReader(StandardCharsets.UTF_8)) {
                for (String line; (line = log.readLine()) != null; ) {
                    String logged = line;
                    if (ready.isDone() && TROUBLE.matcher(line).find()) {
                        LOG.warning("embedded Redis: " + line); // e.g. a snapshot that could not be written
                    } else {
                        LOG.fine(() -> "redis: " + logged);
                    }
                    if (!ready.isDone()) {
                        said.append(line).append('\n');
                        if (line.contains(READY)) {
                            ready.complete(Optional.empty());
                        }
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            ready.complete(Optional.of("redis-server exited: " + said.toString().strip()));
        });
        try {
            return ready.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return Optional.of("redis-server was not ready within " + START_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while starting redis-server");
        } catch (ExecutionException e) {
            return Optional.of(String.valueOf(e.getCause()));
        }
    }

    int port() {
        return port;
    }

    /** Whether it keeps a snapshot (the sessions' Redis with a data folder). */
    boolean persistent() {
        return persistent;
    }

    void ownerClosesOnExitWithin(Duration bound) {
        ownerClosesWithin = bound;
    }

    private void stopAtExit() {
        Duration bound = ownerClosesWithin;
        if (bound != null) {
            try {
                stopped.await(bound.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        stop();
    }

    /** SIGTERM (Redis exits at once, having saved its snapshot if it keeps one), SIGKILL if it has not within 5 s. */
    synchronized void stop() {
        if (stopped.getCount() == 0) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                LOG.warning("embedded Redis did not stop within 5 s; killing it");
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
        if (Thread.currentThread() != exitHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(exitHook); // closed before exit: nothing left to do then
            } catch (IllegalStateException e) {
                // the JVM is exiting already; the hook finds Redis stopped
            }
        }
    }
}
