package app.dragnshare.benchmarks;

import static app.dragnshare.benchmarks.harness.Stats.format;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import app.dragnshare.benchmarks.harness.HarnessRedis;
import app.dragnshare.benchmarks.harness.Machine;
import app.dragnshare.benchmarks.harness.MetricsReading;
import app.dragnshare.benchmarks.harness.Options;
import app.dragnshare.benchmarks.harness.ProcStatus;
import app.dragnshare.benchmarks.harness.ProjectJars;
import app.dragnshare.benchmarks.harness.ServerUnderTest;
import app.dragnshare.benchmarks.harness.SharerAndReceiver;
import app.dragnshare.benchmarks.harness.Stats;
import app.dragnshare.benchmarks.harness.TestData;
import app.dragnshare.benchmarks.harness.WorkDir;

/**
 * Transfers without a break for minutes, to see what grows: a few workers each download a file
 * over and over (every one a new, verified transfer), and every {@code churn}-th time a worker
 * drops its session and socket and starts a new one. Every interval it prints errors, throughput,
 * the server's heap, threads and RSS, and Redis's connected clients, memory and keys. Redis is
 * one the harness can read (REDIS_URL, or a redis-server it starts and hands to the server).
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar app.dragnshare.benchmarks.Soak [--duration 5m] [--workers 4]
 *      [--size 8m] [--interval 10s] [--churn 20] [--server-heap 128m] [--server-jvm "OPTIONS"] [--dir DIR] [--quick]
 * </pre>
 */
public final class Soak {
    private static final Set<String> VALUED = Set.of("duration", "workers", "size", "interval", "churn", "server-heap", "dir",
            "server-jvm");
    private static final Set<String> FLAGS = Set.of("quick");

    /** @param serverJvm more JVM options for the server, e.g. -XX:NativeMemoryTracking=summary to see what grows */
    public record Settings(Duration duration, int workers, long size, Duration interval, int churn, String serverHeap,
                           String dir, List<String> serverJvm) {
        public static Settings from(Options o) {
            boolean quick = o.flag("quick");
            return new Settings(o.duration("duration", quick ? Duration.ofSeconds(6) : Duration.ofMinutes(5)),
                    o.integer("workers", quick ? 2 : 4), o.bytes("size", quick ? 1L << 20 : 8L << 20),
                    o.duration("interval", quick ? Duration.ofSeconds(2) : Duration.ofSeconds(10)),
                    o.integer("churn", quick ? 2 : 20), o.text("server-heap", "128m"), o.text("dir", null),
                    o.text("server-jvm", "").isBlank() ? List.of() : List.of(o.text("server-jvm", "").trim().split("\\s+")));
        }
    }

    /** One row of the report. */
    public record Sample(double seconds, long transfers, long errors, double intervalMBps, long heapUsed, int threads,
                         long rss, int redisClients, long redisMemory, long redisKeys, int activeTransfers,
                         int connectedSharers) {
    }

    /** @param liveHeapEarly the server's heap after a full GC at the end of the first interval (-1 if none) */
    public record Report(long transfers, long errors, List<String> firstErrors, List<Sample> samples, long liveHeapEarly,
                         long liveHeapEnd) {
    }

    private Soak() {
    }

    public static void main(String[] args) throws Exception {
        Report report = run(Settings.from(Options.parse(args, VALUED, FLAGS)), System.out);
        System.exit(report.errors() == 0 ? 0 : 1);
    }

    public static Report run(Settings settings, PrintStream out) throws Exception {
        ProjectJars jars = ProjectJars.find();
        out.println("Drag-n-Share soak: " + settings.duration().toSeconds() + " s, " + settings.workers() + " workers × "
                + Stats.size(settings.size()) + " transfers, new session every " + settings.churn() + " transfers per worker, "
                + "server -Xmx" + settings.serverHeap());
        out.println("machine: " + Machine.describe());
        out.println("load average before: " + Machine.loadAverage());
        try (WorkDir dir = WorkDir.create(settings.dir(), "dns-soak-", out);
             HarnessRedis redis = HarnessRedis.start()) {
            Map<String, String> env = new java.util.HashMap<>(ServerUnderTest.HARNESS_SETTINGS);
            env.put("REDIS_URL", redis.url());
            try (ServerUnderTest server = ServerUnderTest.start(jars, settings.serverHeap(), dir.path(), env, settings.serverJvm());
                 ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
                out.println("server: pid " + server.handle().pid() + " with " + redis.description());
                TestData data = TestData.create(dir.resolve("payload.bin"), settings.size(), 42);
                AtomicLong transfers = new AtomicLong();
                AtomicLong errors = new AtomicLong();
                Queue<String> firstErrors = new ConcurrentLinkedQueue<>();
                List<Sample> samples = new ArrayList<>();
                out.println();
                out.println("     t  transfers errors   MB/s | server heap MiB threads RSS MiB | redis clients mem MiB keys | active sharers");
                long start = System.nanoTime();
                samples.add(sample(server, redis, start, 0, 0, 0, out));

                long deadline = start + settings.duration().toNanos();
                List<Future<?>> workers = new ArrayList<>();
                for (int w = 0; w < settings.workers(); w++) {
                    int worker = w;
                    workers.add(threads.submit(() -> {
                        work(server, data, dir, worker, settings.churn(), deadline, transfers, errors, firstErrors);
                        return null;
                    }));
                }
                long lastTransfers = 0;
                long lastTime = start;
                long liveEarly = -1;
                while (System.nanoTime() < deadline) {
                    Thread.sleep(Math.min(settings.interval().toMillis(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
                    long now = System.nanoTime();
                    long done = transfers.get();
                    double mbps = Stats.megabytesPerSecond((done - lastTransfers) * settings.size(), (now - lastTime) / 1e9);
                    samples.add(sample(server, redis, start, done, errors.get(), mbps, out));
                    lastTransfers = done;
                    lastTime = now;
                    if (liveEarly < 0) {
                        liveEarly = server.liveHeapAfterFullGc(); // after the first interval: caches and JIT warm
                    }
                }
                for (Future<?> worker : workers) {
                    worker.get(120 + settings.size() / 1_000_000, TimeUnit.SECONDS); // a transfer under way finishes first
                }
                awaitQuiet(server);
                out.println("after the last transfer, once the server is quiet:");
                samples.add(sample(server, redis, start, transfers.get(), errors.get(), 0, out));

                long liveEnd = server.liveHeapAfterFullGc();
                Report report = new Report(transfers.get(), errors.get(), List.copyOf(firstErrors), samples, liveEarly, liveEnd);
                Sample first = samples.getFirst();
                Sample last = samples.getLast();
                double seconds = (System.nanoTime() - start) / 1e9;
                out.println();
                out.println(format("%d transfers (%s each) in %.0f s, %d errors, %.1f MB/s on average",
                        report.transfers(), Stats.size(settings.size()), seconds, report.errors(),
                        Stats.megabytesPerSecond(report.transfers() * settings.size(), seconds)));
                out.println(format("start → end (quiet): server threads %d → %d, RSS %d → %d MiB, live heap after a full GC (first interval → end) %.1f → %.1f MiB; "
                                + "Redis clients %d → %d, keys %d → %d",
                        first.threads(), last.threads(), first.rss() >> 20, last.rss() >> 20, report.liveHeapEarly() / 1048576.0,
                        report.liveHeapEnd() / 1048576.0, first.redisClients(), last.redisClients(), first.redisKeys(), last.redisKeys()));
                firstErrors.forEach(e -> out.println("error: " + e));
                out.println("load average after: " + Machine.loadAverage());
                if (report.errors() == 0) {
                    dir.succeeded();
                }
                return report;
            }
        }
    }

    private static void work(ServerUnderTest server, TestData data, WorkDir dir, int worker, int churn, long deadline,
                             AtomicLong transfers, AtomicLong errors, Queue<String> firstErrors) {
        int session = 0;
        SharerAndReceiver pair = null;
        try {
            for (int n = 0; System.nanoTime() < deadline; n++) {
                try {
                    if (pair == null || n % churn == 0) {
                        if (pair != null) {
                            pair.close();
                        }
                        pair = SharerAndReceiver.open(server.url(), data, dir.resolve("w" + worker + "-s" + session++));
                    }
                    pair.transferAndVerify(data);
                    transfers.incrementAndGet();
                } catch (Exception e) {
                    record(errors, firstErrors, "worker " + worker + ": " + e);
                    if (pair != null) {
                        pair.close();
                        pair = null; // start over with a fresh session
                    }
                    pause(); // a server that is down would otherwise be asked thousands of times a second
                }
                if (pair != null) {
                    pair.takeSharerProblems().forEach(p -> record(errors, firstErrors, "worker " + worker + ": " + p));
                }
            }
        } finally {
            if (pair != null) {
                pair.close();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void record(AtomicLong errors, Queue<String> firstErrors, String error) {
        errors.incrementAndGet();
        if (firstErrors.size() < 10) {
            firstErrors.add(error);
        }
    }

    /** After the last transfer: the server's transfers and sockets end within a few seconds. */
    private static void awaitQuiet(ServerUnderTest server) throws Exception {
        long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < limit) {
            MetricsReading m = server.metrics();
            if (m.value("dns_transfers_active") == 0 && m.value("dns_sharers_connected") == 0) {
                return;
            }
            Thread.sleep(200);
        }
    }

    private static Sample sample(ServerUnderTest server, HarnessRedis redis, long start, long transfers, long errors,
                                 double mbps, PrintStream out) throws Exception {
        MetricsReading m = server.metrics();
        ProcStatus status = server.status();
        Map<String, String> info = redis.info();
        // the harness's own INFO connection is one of the clients; it is left out
        Sample s = new Sample((System.nanoTime() - start) / 1e9, transfers, errors, mbps, (long) m.value("memory_usedHeap_bytes"),
                status.threads(), status.rssBytes(), Integer.parseInt(info.get("connected_clients")) - 1,
                Long.parseLong(info.get("used_memory")), Long.parseLong(info.get("keys")),
                (int) m.value("dns_transfers_active"), (int) m.value("dns_sharers_connected"));
        out.println(format("%6.0f  %9d %6d %6.1f | %15d %7d %7d | %13d %7.1f %4d | %6d %7d", s.seconds(), s.transfers(),
                s.errors(), s.intervalMBps(), s.heapUsed() >> 20, s.threads(), s.rss() >> 20, s.redisClients(),
                s.redisMemory() / 1048576.0, s.redisKeys(), s.activeTransfers(), s.connectedSharers()));
        return s;
    }
}
