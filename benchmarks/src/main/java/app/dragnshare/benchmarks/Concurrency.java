package app.dragnshare.benchmarks;

import static app.dragnshare.benchmarks.harness.Stats.format;
import static app.dragnshare.benchmarks.harness.Stats.mib;

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

import app.dragnshare.benchmarks.harness.CpuMeter;
import app.dragnshare.benchmarks.harness.GcLog;
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
 * N transfers at once through the real server jar (its own process, -Xmx128m by default): N
 * sessions, each with one sharer socket and one receiver, all started together; aggregate MB/s
 * from the start to the last verified file. The clients are the jdk-client's own classes inside
 * this harness JVM (2N JVMs on two cores would measure JVM start-up, not the server); every copy
 * is checked against the source's SHA-256.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar app.dragnshare.benchmarks.Concurrency [--transfers 50] [--size 20m]
 *      [--server-heap 128m] [--server-settings NAME=VALUE,...] [--dir DIR] [--quick]
 * </pre>
 */
public final class Concurrency {
    private static final Set<String> VALUED = Set.of("transfers", "size", "server-heap", "dir", "server-settings");
    private static final Set<String> FLAGS = Set.of("quick");

    /** @param serverSettings the server's environment on top of the harness's (e.g. PEER_TIMEOUT=30s to test a hypothesis) */
    public record Settings(int transfers, long size, String serverHeap, String dir, Map<String, String> serverSettings) {
        public static Settings from(Options o) {
            boolean quick = o.flag("quick");
            return new Settings(o.integer("transfers", quick ? 4 : 50), o.bytes("size", quick ? 1L << 20 : 20L << 20),
                    o.text("server-heap", "128m"), o.text("dir", null), o.settings("server-settings"));
        }
    }

    /** @param perTransferMBps each transfer's own rate, from the common start to its end */
    public record Report(int transfers, long bytes, double seconds, List<Double> perTransferMBps, long serverPeakRss,
                         long peakHeapUsed, double serverCpuSeconds, double redisCpuSeconds) {
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
                + " at once, server -Xmx" + settings.serverHeap() + ", clients in-process (jdk-client classes)");
        out.println("machine: " + Machine.describe());
        out.println("load average before: " + Machine.loadAverage());
        if (!settings.serverSettings().isEmpty()) {
            out.println("EXPERIMENT: server settings " + settings.serverSettings());
        }
        try (WorkDir dir = WorkDir.create(settings.dir(), "dns-concurrency-", out);
             CpuMeter meter = new CpuMeter();
             ServerUnderTest server = ServerUnderTest.start(jars, settings.serverHeap(), dir.path(),
                     ServerUnderTest.settings(settings.serverSettings()), List.of());
             ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            out.println("server: pid " + server.handle().pid() + " with " + server.redisDescription());
            // one file shared by every session: the server sees N independent transfers all the same
            TestData data = TestData.create(dir.resolve("payload.bin"), settings.size(), 42);
            List<SharerAndReceiver> pairs = new ArrayList<>();
            try {
                for (int i = 0; i < settings.transfers(); i++) {
                    pairs.add(SharerAndReceiver.open(server.url(), data, dir.resolve("received-" + i)));
                }
                meter.watch(server.handle());
                server.embeddedRedis().ifPresent(meter::watch);
                double server0 = seconds(meter, server.handle());
                double redis0 = server.embeddedRedis().map(r -> seconds(meter, r)).orElse(Double.NaN);

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
                for (SharerAndReceiver pair : pairs) {
                    pair.takeSharerProblems().forEach(failures::add);
                }
                MetricsReading metrics = server.metrics();
                if (!failures.isEmpty() || metrics.value("dns_transfers_completed_total") != settings.transfers()
                        || metrics.sum("dns_transfers_failed_total") != 0) {
                    out.println(format("FAILED: %d of %d transfers did not verify after %.1f s; the server counted %.0f completed, "
                                    + "failed by cause: %s; machine busy %.0f%%", settings.transfers() - ends.size(),
                            settings.transfers(), seconds, metrics.value("dns_transfers_completed_total"),
                            failedByCause(metrics), busy * 100));
                    failures.forEach(f -> out.println("  " + f));
                    throw new IllegalStateException(failures.size() + " failures; see above");
                }
                ProcStatus status = server.status();
                long bytes = settings.transfers() * settings.size();
                Report report = new Report(settings.transfers(), bytes, seconds,
                        ends.stream().map(s -> Stats.megabytesPerSecond(settings.size(), s)).toList(),
                        status.peakRssBytes(), GcLog.peakBefore(server.collections()),
                        seconds(meter, server.handle()) - server0,
                        server.embeddedRedis().map(r -> seconds(meter, r)).orElse(Double.NaN) - redis0);
                List<Double> sorted = report.perTransferMBps().stream().sorted().toList();
                out.println(format("aggregate: %d × %s = %s in %.2f s: %.1f MB/s (all %d verified by SHA-256)",
                        settings.transfers(), Stats.size(settings.size()), mib(bytes), seconds, report.aggregateMBps(),
                        settings.transfers()));
                out.println(format("per transfer: slowest %.1f MB/s, median %.1f MB/s, fastest %.1f MB/s",
                        sorted.getFirst(), Stats.median(sorted), sorted.getLast()));
                out.println(format("CPU s: server %.1f, redis %.1f, clients (this JVM) the rest; machine busy %.0f%%",
                        report.serverCpuSeconds(), report.redisCpuSeconds(), busy * 100));
                out.println(format("server: peak heap used %s (-Xmx%s), peak RSS %s, platform threads now %d",
                        mib(report.peakHeapUsed()), settings.serverHeap(), mib(report.serverPeakRss()), status.threads()));
                out.println("load average after: " + Machine.loadAverage());
                dir.succeeded();
                return report;
            } finally {
                pairs.forEach(SharerAndReceiver::close);
            }
        }
    }

    private static String failedByCause(MetricsReading metrics) {
        return metrics.series().entrySet().stream()
                .filter(e -> e.getKey().startsWith("dns_transfers_failed_total{") && e.getValue() > 0)
                .map(e -> e.getKey().replaceAll(".*cause=\"([^\"]*)\".*", "$1") + "=" + e.getValue().longValue())
                .sorted().toList().toString();
    }

    private static double seconds(CpuMeter meter, ProcessHandle process) {
        return meter.cpu(process).toNanos() / 1e9;
    }
}
