package app.dragnshare.benchmarks;

import static app.dragnshare.benchmarks.harness.Stats.format;
import static app.dragnshare.benchmarks.harness.Stats.mib;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import app.dragnshare.benchmarks.harness.Baseline;
import app.dragnshare.benchmarks.harness.CliProcesses;
import app.dragnshare.benchmarks.harness.CliTransfer;
import app.dragnshare.benchmarks.harness.CpuMeter;
import app.dragnshare.benchmarks.harness.DelayProxy;
import app.dragnshare.benchmarks.harness.GcLog;
import app.dragnshare.benchmarks.harness.Machine;
import app.dragnshare.benchmarks.harness.MetricsReading;
import app.dragnshare.benchmarks.harness.Options;
import app.dragnshare.benchmarks.harness.ProcStatus;
import app.dragnshare.benchmarks.harness.ProjectJars;
import app.dragnshare.benchmarks.harness.ServerUnderTest;
import app.dragnshare.benchmarks.harness.Stats;
import app.dragnshare.benchmarks.harness.TestData;
import app.dragnshare.benchmarks.harness.WorkDir;

/**
 * End-to-end throughput: the real server jar (its own process, -Xmx128m by default, embedded
 * Redis or REDIS_URL) and the real jdk-client CLI on both ends move a generated file, verified by
 * SHA-256; in the same run, on the same machine, a plain loopback TCP copy of the same bytes
 * between two JVMs is the baseline. Runs alternate (ours, baseline, ours, …) so that other load on
 * the machine hits both alike. Builds nothing: it runs the jars `./mvnw package` made.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar app.dragnshare.benchmarks.EndToEnd [--size 1g] [--runs 3]
 *      [--server-heap 128m] [--warmup 512m] [--dir DIR] [--profile DIR] [--quick]
 *      [--client-jvm "OPTIONS"] [--prime-client-crypto]     (experiments on the clients, see README)
 *      [--sharer-delay 25ms]   (a long link: the sender reaches the server through a {@link DelayProxy})
 *      [--receiver-delay 25ms] (the same for the receiver: how a paced download, PROTOCOL.md §7, fills a long link)
 *      [--pace]                (receive --pace: every download paced from its start)
 * </pre>
 */
public final class EndToEnd {
    private static final Set<String> VALUED = Set.of("size", "runs", "server-heap", "warmup", "dir", "profile",
            "client-jvm", "sharer-delay", "receiver-delay");
    private static final Set<String> FLAGS = Set.of("quick", "prime-client-crypto", "pace");

    /**
     * @param warmup  size of one untimed transfer first, so the server's JIT is warm (a server runs
     *                for days; each CLI is a fresh JVM in every run, as for a user); 0 for none. 512 MiB:
     *                after 64 MiB the server still compiled through the measured runs (its CPU per GiB
     *                2.3, 1.9, 1.3 in runs 1 – 3, and C2 was 27 % of its samples in perf; 2026-11-30)
     * @param profile a folder for JFR recordings of the server (whole run) and of both CLIs (run 1)
     * @param clientJvm JVM options for both CLI processes, to try a change without rebuilding (none by default)
     * @param primeClientCrypto run both CLIs behind {@link CryptoPrimedCli} (an experiment; off by default)
     * @param sharerDelay with a value, the sender talks to the server through a {@link DelayProxy} holding
     *                    bytes this long each way (25 ms: a 50 ms round trip), and the baseline runs through it too
     */
    public record Settings(long size, int runs, String serverHeap, long warmup, String dir, Path profile,
                           List<String> clientJvm, boolean primeClientCrypto, Duration sharerDelay, Duration receiverDelay,
                           boolean pace) {
        public static Settings from(Options o) {
            boolean quick = o.flag("quick");
            return new Settings(o.bytes("size", quick ? 4L << 20 : 1L << 30), o.integer("runs", quick ? 1 : 3),
                    o.text("server-heap", "128m"), o.bytes("warmup", quick ? 0 : 512L << 20), o.text("dir", null),
                    o.flag("profile") ? Path.of(o.text("profile", "")) : null,
                    o.text("client-jvm", "").isBlank() ? List.of() : List.of(o.text("client-jvm", "").trim().split("\\s+")),
                    o.flag("prime-client-crypto"), o.duration("sharer-delay", null), o.duration("receiver-delay", null),
                    o.flag("pace"));
        }
    }

    /** One measured pair: our transfer and the baseline copy right after it (and, on a long link, through the proxy). */
    public record Run(CliTransfer ours, Baseline baseline, Baseline baselineThroughProxy) {
    }

    /**
     * @param serverPeakRss      the server process's VmHWM at the end
     * @param serverRssAfterWarmup its VmHWM after the warm-up transfer, before the measured ones
     * @param peakHeapUsed       the fullest the server's heap got (GC log: used before a collection)
     * @param maxLiveHeap        the most that survived a collection during the measured runs
     */
    public record Report(long size, List<Run> runs, double oursMBps, double baselineMBps, long serverPeakRss,
                         long serverRssAfterWarmup, long peakHeapUsed, long maxLiveHeap, long redisPeakRss) {
        public double ratio() {
            return oursMBps / baselineMBps;
        }
    }

    private EndToEnd() {
    }

    public static void main(String[] args) throws Exception {
        run(Settings.from(Options.parse(args, VALUED, FLAGS)), System.out);
        System.exit(0); // the HTTP clients' threads would keep the JVM up a little longer
    }

    public static Report run(Settings settings, PrintStream out) throws Exception {
        ProjectJars jars = ProjectJars.find();
        out.println("Drag-n-Share end-to-end: " + Stats.size(settings.size()) + ", " + settings.runs() + " runs, server -Xmx"
                + settings.serverHeap() + ", jdk-client default chunk size (256 KiB)");
        out.println("machine: " + Machine.describe());
        out.println("load average before: " + Machine.loadAverage());
        if (!settings.clientJvm().isEmpty()) {
            out.println("EXPERIMENT: CLI JVM options " + String.join(" ", settings.clientJvm()));
        }
        if (settings.primeClientCrypto()) {
            out.println("EXPERIMENT: both CLIs run behind CryptoPrimedCli (AES-GCM primed before Main)");
        }
        if (settings.sharerDelay() != null) {
            out.println("LONG LINK: the sender reaches the server through a proxy holding bytes "
                    + settings.sharerDelay().toMillis() + " ms each way; the baseline is copied without and through it");
        }
        if (settings.pace()) {
            out.println("PACED: receive --pace (PROTOCOL.md §7)");
        }
        if (settings.receiverDelay() != null) {
            out.println("LONG LINK: the receiver reaches the server through a proxy holding bytes "
                    + settings.receiverDelay().toMillis() + " ms each way");
        }
        if (settings.profile() != null) {
            Files.createDirectories(settings.profile());
        }
        try (WorkDir dir = WorkDir.create(settings.dir(), "dns-e2e-", out); CpuMeter meter = new CpuMeter()) {
            TestData data = TestData.create(dir.resolve("payload.bin"), settings.size(), 42);
            Report report;
            try (ServerUnderTest server = ServerUnderTest.start(jars, settings.serverHeap(), dir.path(),
                    ServerUnderTest.HARNESS_SETTINGS, recording(settings.profile(), "server"))) {
                out.println("server: " + jars.server() + " (pid " + server.handle().pid() + ") with " + server.redisDescription());
                DelayProxy proxy = settings.sharerDelay() == null ? null : DelayProxy.start(
                        new InetSocketAddress(server.url().getHost(), server.url().getPort()), settings.sharerDelay());
                URI sharerServer = proxy == null ? server.url() : URI.create("http://127.0.0.1:" + proxy.port());
                DelayProxy receiverProxy = settings.receiverDelay() == null ? null : DelayProxy.start(
                        new InetSocketAddress(server.url().getHost(), server.url().getPort()), settings.receiverDelay());
                URI receiverServer = receiverProxy == null ? server.url() : URI.create("http://127.0.0.1:" + receiverProxy.port());
                int transfers = 0;
                if (settings.warmup() > 0) {
                    TestData warm = TestData.create(dir.resolve("warmup.bin"), Math.min(settings.warmup(), settings.size()), 7);
                    CliTransfer w = CliTransfer.run(jars, server, sharerServer, warm, dir, "warmup",
                            clients(settings, List.of(), List.of()), meter);
                    transfers++;
                    Files.delete(warm.path());
                    out.println(format("warm-up: %s in %.2f s (not counted)", Stats.size(warm.size()), w.seconds()));
                }
                ProcStatus afterWarmup = server.status();
                double measuredFrom = server.uptimeSeconds();

                out.println();
                out.println("run  ours s  ours MB/s  base s  base MB/s  ratio  | CPU s: send server redis recv | busy  load1");
                List<Run> runs = new ArrayList<>();
                for (int i = 1; i <= settings.runs(); i++) {
                    CliTransfer.ClientOptions clients = i == 1
                            ? clients(settings, recording(settings.profile(), "send"), recording(settings.profile(), "receive"))
                            : clients(settings, List.of(), List.of());
                    CliTransfer ours = CliTransfer.run(jars, server, sharerServer, receiverServer, data, dir, "run" + i, clients, meter);
                    transfers++;
                    Baseline baseline = Baseline.copy(data, dir.resolve("baseline-copy.bin"), CliTransfer.limitFor(data.size()), meter);
                    Baseline throughProxy = proxy == null ? null : Baseline.copy(data, dir.resolve("baseline-copy.bin"),
                            CliTransfer.limitFor(data.size()), meter, settings.sharerDelay());
                    runs.add(new Run(ours, baseline, throughProxy));
                    CliTransfer.Cpu c = ours.cpu();
                    out.println(format("%3d  %6.2f  %9.1f  %6.2f  %9.1f  %5.3f  |      %5.1f %6.1f %5.1f %4.1f | %3.0f%%  %.2f",
                            i, ours.seconds(), mbps(data.size(), ours.seconds()), baseline.seconds(),
                            mbps(data.size(), baseline.seconds()), baseline.seconds() / ours.seconds(),
                            c.sender(), c.server(), c.redis(), c.receiver(), ours.machineBusy() * 100, ours.load1()));
                    if (throughProxy != null) {
                        out.println(format("     baseline through the delaying proxy: %.2f s, %.1f MB/s (%.2f of the direct copy)",
                                throughProxy.seconds(), mbps(data.size(), throughProxy.seconds()),
                                baseline.seconds() / throughProxy.seconds()));
                    }
                }
                if (proxy != null) {
                    proxy.close();
                }
                if (receiverProxy != null) {
                    receiverProxy.close();
                }

                MetricsReading metrics = server.metrics();
                double completed = metrics.value("dns_transfers_completed_total");
                double failed = metrics.sum("dns_transfers_failed_total");
                if (completed != transfers || failed != 0) {
                    throw new IllegalStateException("the server counted " + completed + " completed and " + failed
                            + " failed transfers; expected " + transfers + " and 0");
                }
                ProcStatus end = server.status();
                List<GcLog.Collection> measured = GcLog.since(server.collections(), measuredFrom);
                long redisPeak = server.embeddedRedis().stream().mapToLong(r -> ProcStatus.of(r.pid()).peakRssBytes()).sum();
                double ours = Stats.median(runs.stream().map(r -> mbps(data.size(), r.ours().seconds())).toList());
                double base = Stats.median(runs.stream().map(r -> mbps(data.size(), r.baseline().seconds())).toList());
                report = new Report(data.size(), runs, ours, base, end.peakRssBytes(), afterWarmup.peakRssBytes(),
                        Math.max(GcLog.peakBefore(server.collections()), (long) metrics.value("memory_usedHeap_bytes")),
                        GcLog.peakAfter(measured), redisPeak);
                printSummary(report, runs, measured, settings, out);
            }
            dir.succeeded();
            if (settings.profile() != null) {
                out.println();
                out.println("JFR recordings in " + settings.profile() + " (server: whole run; send/receive: run 1):");
                for (String name : List.of("server", "send", "receive")) {
                    JfrSummary.print(settings.profile().resolve(name + ".jfr"), 15, out);
                }
            }
            return report;
        }
    }

    private static void printSummary(Report r, List<Run> runs, List<GcLog.Collection> measured, Settings settings,
                                     PrintStream out) {
        double baseCopy = Stats.median(runs.stream().map(x -> mbps(r.size(), x.baseline().copySeconds())).toList());
        double cpuPerGb = Stats.median(runs.stream().map(x -> x.ours().cpu().total() / (r.size() / 1e9)).toList());
        double baseCpuPerGb = Stats.median(runs.stream().map(x -> x.baseline().cpuSeconds() / (r.size() / 1e9)).toList());
        out.println();
        out.println(format("median: ours %.1f MB/s, baseline %.1f MB/s, ratio ours/baseline %.3f (goal: at least 0.5)",
                r.oursMBps(), r.baselineMBps(), r.ratio()));
        out.println(format("        baseline without its JVM start (connect to fsync): %.1f MB/s", baseCopy));
        if (settings.sharerDelay() != null) {
            double proxied = Stats.median(runs.stream().map(x -> mbps(r.size(), x.baselineThroughProxy().seconds())).toList());
            out.println(format("        long link: baseline through the %d ms proxy %.1f MB/s (%.2f of the direct copy: the proxy's own ceiling)",
                    settings.sharerDelay().toMillis(), proxied, proxied / r.baselineMBps()));
        }
        out.println(format("        CPU per GB (all processes, JVM start-up included): ours %.1f s, baseline %.1f s, on %d cores",
                cpuPerGb, baseCpuPerGb, Runtime.getRuntime().availableProcessors()));
        out.println(format("server (-Xmx%s): peak heap used %s, most live after a GC during the measured runs %s, %d GCs (%.0f ms)",
                settings.serverHeap(), mib(r.peakHeapUsed()), mib(r.maxLiveHeap()), measured.size(),
                GcLog.totalPauseMillis(measured)));
        out.println(format("        peak RSS (VmHWM) %s at the end, %s before the measured runs%s",
                mib(r.serverPeakRss()), mib(r.serverRssAfterWarmup()),
                r.redisPeakRss() > 0 ? "; embedded redis-server peak RSS " + mib(r.redisPeakRss()) : ""));
        out.println("verified: every receive exited 0 and every copy (ours and baseline) has the source's SHA-256; "
                + "the server counted every transfer completed, none failed");
        out.println("load average after: " + Machine.loadAverage());
    }

    static double mbps(long bytes, double seconds) {
        return Stats.megabytesPerSecond(bytes, seconds);
    }

    private static CliTransfer.ClientOptions clients(Settings settings, List<String> sendExtra, List<String> receiveExtra) {
        List<String> send = new ArrayList<>(settings.clientJvm());
        send.addAll(sendExtra);
        List<String> receive = new ArrayList<>(settings.clientJvm());
        receive.addAll(receiveExtra);
        return new CliTransfer.ClientOptions(new CliProcesses.Launch(send, settings.primeClientCrypto()),
                new CliProcesses.Launch(receive, settings.primeClientCrypto()), settings.pace() ? List.of("--pace") : List.of());
    }

    /** JVM options that record {@code name}.jfr into {@code profile} (none when it is null). */
    static List<String> recording(Path profile, String name) {
        if (profile == null) {
            return List.of();
        }
        // the recording's start message would go to stdout, where send prints its link
        return List.of("-Xlog:jfr+startup=off", "-XX:StartFlightRecording=filename=" + profile.resolve(name + ".jfr")
                + ",settings=profile,dumponexit=true");
    }
}
