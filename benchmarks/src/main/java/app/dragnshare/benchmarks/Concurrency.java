package app.dragnshare.benchmarks;

import static app.dragnshare.benchmarks.harness.Stats.format;
import static app.dragnshare.benchmarks.harness.Stats.mib;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import app.dragnshare.benchmarks.harness.CpuMeter;
import app.dragnshare.benchmarks.harness.GcLog;
import app.dragnshare.benchmarks.harness.Instances;
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
import app.dragnshare.client.api.ServerApi;

/**
 * N transfers at once through the real server jar (its own process, -Xmx256m by default): N
 * sessions, each with one sharer socket and one receiver, all started together; aggregate MB/s
 * from the start to the last verified file. The clients are the jdk-client's own classes inside
 * this harness JVM (2N JVMs on two cores would measure JVM start-up, not the server), all sharers
 * on one HttpClient and all receivers on another (2N clients spent the cores on 2N selector
 * threads); every copy is checked against the source's SHA-256.
 *
 * Before the measured transfers, as many transfers of {@code --warmup} bytes (at once, the same
 * shape, not counted) get the server's and the clients' hot code compiled, as {@code EndToEnd}'s warm-up does for the server: a
 * server runs for days, and the 2N clients stand in for 2N machines, each compiling its own code
 * on its own cores. Without it a 12 s run spent a quarter of the machine's CPU in the JIT (C1 and
 * C2 of both processes, perf, 2026-11-30) and the clients ran AES-GCM's Java fallback (not the
 * CPU's instructions) until C2 caught up: the run measured compilation, not the relay.
 * <p>
 * The server's heap is sized as MAX_TRANSFERS_PER_INSTANCE tells an operator to (about 2 MiB per
 * running transfer, so 50 need ~100 MiB beside the server's own): at -Xmx128m 50 transfers kept
 * ~52 MiB of chunks live and the server spent 3.7 s of a 6.6 s run in 241 GC pauses, 8 of them
 * full (JFR, 2026-11-30); {@code --server-heap 128m} still shows that.
 *
 * With {@code --instances 2} two server processes share one Redis and one JWT_KEY: every sharer
 * is connected to instance A and every receiver downloads from instance B, so each chunk crosses
 * instances through Redis.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar app.dragnshare.benchmarks.Concurrency [--transfers 50] [--size 20m]
 *      [--instances 1|2] [--server-heap 256m] [--warmup 4m] [--server-settings NAME=VALUE,...] [--dir DIR] [--quick]
 * </pre>
 */
public final class Concurrency {
    private static final Set<String> VALUED = Set.of("transfers", "size", "server-heap", "dir", "server-settings",
            "instances", "warmup");
    private static final Set<String> FLAGS = Set.of("quick");

    /**
     * @param serverSettings the server's environment on top of the harness's (e.g. PEER_TIMEOUT=30s to test a hypothesis)
     * @param instances      1, or 2: sharers on instance A, receivers on B, one Redis
     * @param warmup         the size of each of the untimed warm-up transfers (as many as the measured ones); 0 for none
     */
    public record Settings(int transfers, long size, String serverHeap, String dir, Map<String, String> serverSettings,
                           int instances, long warmup) {
        public static Settings from(Options o) {
            boolean quick = o.flag("quick");
            return new Settings(o.integer("transfers", quick ? 4 : 50), o.bytes("size", quick ? 1L << 20 : 20L << 20),
                    o.text("server-heap", "256m"), o.text("dir", null), o.settings("server-settings"),
                    o.integer("instances", 1), o.bytes("warmup", quick ? 256L << 10 : 4L << 20));
        }
    }

    /**
     * @param perTransferMBps       each transfer's own rate, from the common start to its end
     * @param serverPeakRss         the largest of the instances' peaks, as peakHeapUsed; serverCpuSeconds is their sum
     * @param peakRedisConnections  the instances' connections to the shared Redis, at most (-1 with one instance)
     */
    public record Report(int transfers, long bytes, double seconds, List<Double> perTransferMBps, long serverPeakRss,
                         long peakHeapUsed, double serverCpuSeconds, double redisCpuSeconds, long peakRedisConnections) {
        public double aggregateMBps() {
            return Stats.megabytesPerSecond(bytes, seconds);
        }
    }

    private Concurrency() {
    }

    public static void main(String[] args) throws Exception {
        run(Settings.from(Options.parse(args, VALUED, FLAGS)), System.out);
        System.exit(0);
    }

    public static Report run(Settings settings, PrintStream out) throws Exception {
        ProjectJars jars = ProjectJars.find();
        out.println("Drag-n-Share concurrency: " + settings.transfers() + " transfers × " + Stats.size(settings.size())
                + " at once, " + (settings.instances() == 1 ? "one server" : "sharers on instance A, receivers on B, one Redis")
                + " -Xmx" + settings.serverHeap() + ", clients in-process (jdk-client classes)");
        out.println("machine: " + Machine.describe());
        out.println("load average before: " + Machine.loadAverage());
        if (!settings.serverSettings().isEmpty()) {
            out.println("EXPERIMENT: server settings " + settings.serverSettings());
        }
        try (WorkDir dir = WorkDir.create(settings.dir(), "dns-concurrency-", out);
             CpuMeter meter = new CpuMeter();
             Instances servers = Instances.start(settings.instances(), jars, settings.serverHeap(), dir.path(),
                     ServerUnderTest.settings(settings.serverSettings()));
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (ServerUnderTest server : servers.all()) {
                out.println(servers.name(server) + ": pid " + server.handle().pid() + " at " + server.url());
            }
            out.println("Redis: " + servers.redisDescription());
            // one client for all sharers and one for all receivers (see SharerAndReceiver.open)
            ServerApi sharerApi = new ServerApi(servers.sharerSide().url());
            ServerApi receiverApi = new ServerApi(servers.receiverSide().url());
            if (settings.warmup() > 0) {
                warmUp(sharerApi, receiverApi, settings.transfers(), settings.warmup(), dir, threads, out);
            }
            // one file shared by every session: the server sees N independent transfers all the same
            TestData data = TestData.create(dir.resolve("payload.bin"), settings.size(), 42);
            List<SharerAndReceiver> pairs = new ArrayList<>();
            try {
                for (int i = 0; i < settings.transfers(); i++) {
                    pairs.add(SharerAndReceiver.open(sharerApi, receiverApi, data, dir.resolve("received-" + i)));
                }
                servers.all().forEach(s -> meter.watch(s.handle()));
                servers.redisProcess().forEach(meter::watch);
                List<Double> cpu0 = servers.all().stream().map(s -> seconds(meter, s.handle())).toList();
                double redis0 = redisSeconds(meter, servers);
                long redisConnectionsIdle = servers.redisConnections();
                double completedBefore = completed(servers); // the warm-up's

                CountDownLatch go = new CountDownLatch(1);
                List<Future<Double>> results = new ArrayList<>();
                long[] start = new long[1];
                for (SharerAndReceiver pair : pairs) {
                    results.add(threads.submit(() -> {
                        go.await();
                        pair.transferAndVerify(data);
                        return (System.nanoTime() - start[0]) / 1e9;
                    }));
                }
                AtomicLong redisConnectionsPeak = new AtomicLong(redisConnectionsIdle);
                Future<?> sampler = threads.submit(() -> sampleConnections(servers, redisConnectionsPeak));
                Machine.CpuTicks machine0 = Machine.CpuTicks.now();
                start[0] = System.nanoTime();
                go.countDown();
                List<Double> ends = new ArrayList<>();
                List<String> failures = new ArrayList<>();
                long limit = 120 + (long) settings.transfers() * settings.size() / 2_000_000;
                for (int i = 0; i < results.size(); i++) {
                    try {
                        ends.add(results.get(i).get(limit, TimeUnit.SECONDS));
                    } catch (ExecutionException e) {
                        failures.add("transfer " + i + ": " + e.getCause());
                    } catch (TimeoutException e) {
                        failures.add("transfer " + i + ": not done within " + limit + " s");
                    }
                }
                double seconds = (System.nanoTime() - start[0]) / 1e9;
                double busy = Machine.CpuTicks.now().busySince(machine0);
                sampler.cancel(true);
                for (SharerAndReceiver pair : pairs) {
                    pair.takeSharerProblems().forEach(failures::add);
                }
                List<MetricsReading> metrics = new ArrayList<>();
                for (ServerUnderTest server : servers.all()) {
                    metrics.add(server.metrics());
                }
                double completed = metrics.stream().mapToDouble(m -> m.sum("dns_transfers_completed_total")).sum()
                        - completedBefore;
                double failed = metrics.stream().mapToDouble(m -> m.sum("dns_transfers_failed_total")).sum();
                if (!failures.isEmpty() || completed != settings.transfers() || failed != 0) {
                    out.println(format("FAILED: %d of %d transfers did not verify after %.1f s; the servers counted %.0f completed; "
                                    + "machine busy %.0f%%", settings.transfers() - ends.size(), settings.transfers(), seconds,
                            completed, busy * 100));
                    for (int i = 0; i < metrics.size(); i++) {
                        out.println("  " + servers.name(servers.all().get(i)) + " failed by cause: " + failedByCause(metrics.get(i)));
                    }
                    failures.forEach(f -> out.println("  " + f));
                    throw new IllegalStateException(failures.size() + " failures; see above");
                }
                long bytes = settings.transfers() * settings.size();
                List<ProcStatus> statuses = servers.all().stream().map(ServerUnderTest::status).toList();
                List<Long> heaps = new ArrayList<>();
                List<Double> cpus = new ArrayList<>();
                for (int i = 0; i < servers.all().size(); i++) {
                    ServerUnderTest server = servers.all().get(i);
                    heaps.add(GcLog.peakBefore(server.collections()));
                    cpus.add(seconds(meter, server.handle()) - cpu0.get(i));
                }
                Report report = new Report(settings.transfers(), bytes, seconds,
                        ends.stream().map(s -> Stats.megabytesPerSecond(settings.size(), s)).toList(),
                        statuses.stream().mapToLong(ProcStatus::peakRssBytes).max().orElseThrow(),
                        heaps.stream().mapToLong(Long::longValue).max().orElseThrow(),
                        cpus.stream().mapToDouble(Double::doubleValue).sum(),
                        redisSeconds(meter, servers) - redis0,
                        redisConnectionsPeak.get());
                List<Double> sorted = report.perTransferMBps().stream().sorted().toList();
                out.println(format("aggregate: %d × %s = %s in %.2f s: %.1f MB/s (all %d verified by SHA-256)",
                        settings.transfers(), Stats.size(settings.size()), mib(bytes), seconds, report.aggregateMBps(),
                        settings.transfers()));
                out.println(format("per transfer: slowest %.2f MB/s, median %.2f MB/s, fastest %.2f MB/s",
                        sorted.getFirst(), Stats.median(sorted), sorted.getLast()));
                out.println(format("CPU s: servers %.1f, redis %.1f, clients (this JVM) the rest; machine busy %.0f%%",
                        report.serverCpuSeconds(), report.redisCpuSeconds(), busy * 100));
                for (int i = 0; i < servers.all().size(); i++) {
                    out.println(format("%s: CPU %.1f s, peak heap used %s (-Xmx%s), peak RSS %s, platform threads now %d",
                            servers.name(servers.all().get(i)), cpus.get(i), mib(heaps.get(i)), settings.serverHeap(),
                            mib(statuses.get(i).peakRssBytes()), statuses.get(i).threads()));
                }
                if (report.peakRedisConnections() >= 0) {
                    out.println(format("Redis connections of both instances: %d before the transfers, peak %d during them",
                            redisConnectionsIdle, report.peakRedisConnections()));
                }
                out.println("load average after: " + Machine.loadAverage());
                dir.succeeded();
                return report;
            } finally {
                pairs.forEach(SharerAndReceiver::close);
            }
        }
    }

    /** {@code count} transfers of {@code size} at once, through the same servers, verified and not counted. */
    private static void warmUp(ServerApi sharerApi, ServerApi receiverApi, int count, long size, WorkDir dir, ExecutorService threads,
                               PrintStream out)
            throws Exception {
        long started = System.nanoTime();
        TestData data = TestData.create(dir.resolve("warm-up.bin"), size, 7);
        List<SharerAndReceiver> pairs = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                pairs.add(SharerAndReceiver.open(sharerApi, receiverApi, data, dir.resolve("warm-up-" + i)));
            }
            List<Future<?>> done = new ArrayList<>();
            for (SharerAndReceiver pair : pairs) {
                done.add(threads.submit(() -> {
                    pair.transferAndVerify(data);
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pairs.forEach(SharerAndReceiver::close);
        }
        out.println(format("warm-up: %d × %s at once in %.2f s (not counted)", count, Stats.size(size),
                (System.nanoTime() - started) / 1e9));
    }

    /** The most Redis connections the instances hold while the transfers run, read every half second. */
    private static void sampleConnections(Instances servers, AtomicLong peak) {
        while (!Thread.currentThread().isInterrupted()) {
            peak.accumulateAndGet(servers.redisConnections(), Math::max);
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static double completed(Instances servers) throws IOException, InterruptedException {
        double sum = 0;
        for (ServerUnderTest server : servers.all()) {
            sum += server.metrics().sum("dns_transfers_completed_total");
        }
        return sum;
    }

    private static String failedByCause(MetricsReading metrics) {
        return metrics.series().entrySet().stream()
                .filter(e -> e.getKey().startsWith("dns_transfers_failed_total{") && e.getValue() > 0)
                .map(e -> e.getKey().replaceAll(".*cause=\"([^\"]*)\".*", "$1") + "=" + e.getValue().longValue())
                .sorted().toList().toString();
    }

    private static double redisSeconds(CpuMeter meter, Instances servers) {
        return servers.redisProcess().isEmpty() ? Double.NaN : meter.cpu(servers.redisProcess()).toNanos() / 1e9;
    }

    private static double seconds(CpuMeter meter, ProcessHandle process) {
        return meter.cpu(process).toNanos() / 1e9;
    }
}
