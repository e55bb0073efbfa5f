package app.dragnshare.benchmarks.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import app.dragnshare.server.redis.FreePort;

/**
 * The real server jar in a process of its own ({@code java -Xmx… -jar drag-n-share-server.jar}),
 * so its heap and RSS are its own: a GC log gives exact heap figures, /proc its memory and
 * threads, /observe/metrics its meters. Redis is whatever the server picks: its embedded
 * redis-server (a child process, watched too) or REDIS_URL from the environment.
 */
public final class ServerUnderTest implements AutoCloseable {
    private static final Duration START_LIMIT = Duration.ofSeconds(90);
    /**
     * Settings every harness gives the server: all sessions and connections of a run come from one
     * loopback address, and the per-address limits on new sessions (30 per 10 minutes) and on
     * open connections (100) would refuse them.
     */
    public static final Map<String, String> HARNESS_SETTINGS = Map.of("SESSIONS_PER_WINDOW", "1000000",
            "MAX_CONNECTIONS_PER_ADDRESS", "1000000");

    /** The harness's settings with {@code more} on top. */
    public static Map<String, String> settings(Map<String, String> more) {
        Map<String, String> all = new java.util.HashMap<>(HARNESS_SETTINGS);
        all.putAll(more);
        return all;
    }

    private final Process process;
    private final URI url;
    private final Path gcLog;
    private final String redisDescription;
    private final Instant started;

    private ServerUnderTest(Process process, URI url, Path gcLog, String redisDescription, Instant started) {
        this.process = process;
        this.url = url;
        this.gcLog = gcLog;
        this.redisDescription = redisDescription;
        this.started = started;
    }

    /**
     * @param heap       the server's -Xmx, e.g. "128m"
     * @param env        settings for the server (PORT is chosen here); the harness's own environment,
     *                   REDIS_URL included, is passed on as well
     * @param jvmOptions more JVM options, e.g. a flight recording
     */
    public static ServerUnderTest start(ProjectJars jars, String heap, Path dir, Map<String, String> env,
                                        List<String> jvmOptions) throws IOException, InterruptedException {
        int port = FreePort.find();
        Path log = dir.resolve("server.log");
        Path gcLog = dir.resolve("server-gc.log");
        List<String> command = new ArrayList<>(List.of(ProjectJars.java(), "-Xmx" + heap, "-Xlog:gc:file=" + gcLog));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jars.server().toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        builder.environment().put("PORT", Integer.toString(port));
        builder.environment().put("HOST", "127.0.0.1");
        // the embedded Redis's sessions and the token key of this run, never the user's own data folder
        builder.environment().putIfAbsent("DATA_DIR", dir.resolve("data").toString());
        Process process = builder.start();
        ChildProcesses.register(process);
        Instant started = process.info().startInstant().orElse(Instant.now());

        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter logWriter = new PrintWriter(Files.newBufferedWriter(log), true);
        CompletableFuture<String> redis = new CompletableFuture<>();
        CompletableFuture<Void> open = new CompletableFuture<>();
        Thread.ofPlatform().daemon().name("server-log").start(() -> {
            try (logWriter) {
                for (String line; (line = out.readLine()) != null; ) {
                    logWriter.println(line);
                    if (line.startsWith("Drag-n-Share is running with ")) {
                        redis.complete(line.substring("Drag-n-Share is running with ".length()).replaceAll("\\.$", ""));
                    } else if (line.startsWith("Open ")) {
                        open.complete(null);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
            open.completeExceptionally(new IllegalStateException("the server exited before it was ready"));
        });
        try {
            open.get(START_LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            ChildProcesses.stop(process, Duration.ZERO);
            throw new IllegalStateException("the server did not start within " + START_LIMIT.toSeconds() + " s:\n"
                    + Files.readString(log), e);
        }
        return new ServerUnderTest(process, URI.create("http://127.0.0.1:" + port), gcLog,
                redis.getNow("unknown Redis"), started);
    }

    public URI url() {
        return url;
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    /**
     * The embedded redis-servers the server started (none with REDIS_URL): since issue 14 two, one
     * for sessions and one for transfers; one before. Their CPU is counted together.
     */
    public List<ProcessHandle> embeddedRedis() {
        return process.toHandle().descendants()
                .filter(p -> p.info().command().map(c -> c.contains("redis")).orElse(false))
                .toList();
    }

    public String redisDescription() {
        return redisDescription;
    }

    public ProcStatus status() {
        return ProcStatus.of(process.pid());
    }

    public MetricsReading metrics() throws IOException, InterruptedException {
        return MetricsReading.read(url);
    }

    public List<GcLog.Collection> collections() throws IOException {
        return GcLog.read(gcLog);
    }

    /**
     * The server's live heap: asks its JVM for a full collection ({@code jcmd PID GC.run}, from the
     * same JDK) and reads what survived it from the GC log. Exact, unlike the "after" of young
     * collections, which still counts old garbage.
     */
    public long liveHeapAfterFullGc() throws IOException, InterruptedException {
        Path jcmd = Path.of(ProjectJars.java()).resolveSibling("jcmd");
        long fullBefore = fullCollections().size();
        Process run = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "GC.run")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!run.waitFor(60, TimeUnit.SECONDS) || run.exitValue() != 0) {
            run.destroyForcibly();
            throw new IllegalStateException(jcmd + " GC.run failed on the server");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            List<GcLog.Collection> full = fullCollections();
            if (full.size() > fullBefore) {
                return full.getLast().afterBytes();
            }
            Thread.sleep(100); // the log line may land a moment after jcmd returns
        }
        throw new IllegalStateException("no full collection in the server's GC log after GC.run");
    }

    private List<GcLog.Collection> fullCollections() throws IOException {
        return collections().stream().filter(c -> c.kind().startsWith("Pause Full")).toList();
    }

    /** Seconds since the server's JVM started, the clock of its GC log. */
    public double uptimeSeconds() {
        return Duration.between(started, Instant.now()).toMillis() / 1000.0;
    }

    /** SIGTERM (the server drains and stops its embedded Redis), then force after a while. */
    @Override
    public void close() {
        ChildProcesses.stop(process, Duration.ofSeconds(30));
    }
}
