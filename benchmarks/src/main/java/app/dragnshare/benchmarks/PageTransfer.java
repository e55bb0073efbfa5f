package app.dragnshare.benchmarks;

import static app.dragnshare.benchmarks.harness.Stats.format;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import app.dragnshare.benchmarks.harness.ChildProcesses;
import app.dragnshare.benchmarks.harness.ChromiumUsage;
import app.dragnshare.benchmarks.harness.CliProcesses;
import app.dragnshare.benchmarks.harness.CliTransfer;
import app.dragnshare.benchmarks.harness.CpuMeter;
import app.dragnshare.benchmarks.harness.Machine;
import app.dragnshare.benchmarks.harness.MetricsReading;
import app.dragnshare.benchmarks.harness.Options;
import app.dragnshare.benchmarks.harness.PageBrowser;
import app.dragnshare.benchmarks.harness.ProjectJars;
import app.dragnshare.benchmarks.harness.ServerUnderTest;
import app.dragnshare.benchmarks.harness.Stats;
import app.dragnshare.benchmarks.harness.TestData;
import app.dragnshare.benchmarks.harness.WorkDir;

/**
 * The page's throughput in the system's headless Chromium (driven by chromedriver, as the browser
 * tests drive it), against the real server jar and the real jdk-client: CLI → page (the page
 * clicks "Download", its service worker streams the file into the browser's download folder) and
 * page → CLI (the page shares a file picked through its file input; {@code receive} takes it).
 * Each copy is checked by SHA-256. Per run: MB/s, CPU seconds per GB of every Chromium process
 * (from /proc, by kind), of the server, Redis and the CLI, and the tab's memory (JS heap from
 * DevTools, renderer and whole-browser RSS), before and at most.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar app.dragnshare.benchmarks.PageTransfer [--size 1g] [--runs 3]
 *      [--direction both|to-page|from-page] [--warmup 64m] [--server-heap 128m] [--dir DIR] [--profile] [--quick]
 * </pre>
 * {@code --profile} records the page's main thread (DevTools Profiler) during run 1 of each
 * direction and prints its hottest functions.
 */
public final class PageTransfer {
    private static final Set<String> VALUED = Set.of("size", "runs", "server-heap", "warmup", "dir", "direction");
    private static final Set<String> FLAGS = Set.of("quick", "profile");
    static final String TO_PAGE = "CLI → page";
    static final String FROM_PAGE = "page → CLI";

    public record Settings(long size, int runs, String serverHeap, long warmup, String dir, boolean toPage,
                           boolean fromPage, boolean profile) {
        public static Settings from(Options o) {
            boolean quick = o.flag("quick");
            String direction = o.text("direction", "both");
            if (!Set.of("both", "to-page", "from-page").contains(direction)) {
                throw new IllegalArgumentException("--direction is both, to-page or from-page, not " + direction);
            }
            return new Settings(o.bytes("size", quick ? 4L << 20 : 1L << 30), o.integer("runs", quick ? 1 : 3),
                    o.text("server-heap", "128m"), o.bytes("warmup", quick ? 0 : 64L << 20), o.text("dir", null),
                    !direction.equals("from-page"), !direction.equals("to-page"), o.flag("profile"));
        }
    }

    /**
     * One measured transfer. CPU in seconds; memory in bytes.
     *
     * @param browserCpu CPU seconds per Chromium process kind (browser, renderer, network, …)
     */
    public record Run(String direction, long size, double seconds, Map<String, Double> browserCpu, double server,
                      double redis, double cli, long heapBefore, long heapMax, long rendererBefore, long rendererMax,
                      long chromiumBefore, long chromiumMax, double load1, Map<String, Double> browserThreads) {
        public double mbps() {
            return Stats.megabytesPerSecond(size, seconds);
        }

        public double browserTotal() {
            return browserCpu.values().stream().mapToDouble(Double::doubleValue).sum();
        }

        double perGb(double cpu) {
            return cpu / (size / 1e9);
        }
    }

    public record Report(List<Run> runs) {
        public double medianMBps(String direction) {
            return Stats.median(runs.stream().filter(r -> r.direction().equals(direction)).map(Run::mbps).toList());
        }
    }

    private PageTransfer() {
    }

    public static void main(String[] args) throws Exception {
        run(Settings.from(Options.parse(args, VALUED, FLAGS)), System.out);
        System.exit(0); // Selenium's and the HTTP clients' threads would keep the JVM up a little longer
    }

    public static Report run(Settings settings, PrintStream out) throws Exception {
        ProjectJars jars = ProjectJars.find();
        out.println("Drag-n-Share page: " + Stats.size(settings.size()) + ", " + settings.runs() + " runs per direction, "
                + "headless Chromium (" + Machine.describe() + "), server -Xmx" + settings.serverHeap());
        out.println("load average before: " + Machine.loadAverage());
        List<Run> runs = new ArrayList<>();
        try (WorkDir dir = WorkDir.create(settings.dir(), "dns-page-", out); CpuMeter meter = new CpuMeter()) {
            TestData data = TestData.create(dir.resolve("payload.bin"), settings.size(), 42);
            TestData warm = settings.warmup() > 0
                    ? TestData.create(dir.resolve("warmup.bin"), Math.min(settings.warmup(), settings.size()), 7) : null;
            try (ServerUnderTest server = ServerUnderTest.start(jars, settings.serverHeap(), dir.path(),
                    ServerUnderTest.HARNESS_SETTINGS, List.of())) {
                out.println("server: " + jars.server() + " (pid " + server.handle().pid() + ") with " + server.redisDescription());
                out.println();
                out.println("direction    s     MB/s  | CPU s per GB: browser (renderer network browser other) server redis CLI "
                        + "| JS heap MB  renderer RSS MB  Chromium RSS MB (before → max) | load1");
                Transfers transfers = new Transfers(jars, server, dir, meter, out);
                if (settings.toPage()) {
                    try (PageBrowser browser = PageBrowser.start(dir.resolve("downloads"))) {
                        if (warm != null) {
                            transfers.cliToPage(browser, warm, "warmup", false);
                        }
                        for (int i = 1; i <= settings.runs(); i++) {
                            runs.add(print(transfers.cliToPage(browser, data, "to-page-" + i, i == 1 && settings.profile()), out));
                        }
                    }
                }
                if (settings.fromPage()) {
                    try (PageBrowser browser = PageBrowser.start(dir.resolve("sharer-downloads"))) {
                        String link = warm != null ? browser.share(server.url(), warm.path(), data.path())
                                : browser.share(server.url(), data.path());
                        if (warm != null) {
                            transfers.pageToCli(browser, link, warm, "warmup", false);
                        }
                        for (int i = 1; i <= settings.runs(); i++) {
                            runs.add(print(transfers.pageToCli(browser, link, data, "from-page-" + i, i == 1 && settings.profile()), out));
                        }
                    }
                }
                MetricsReading metrics = server.metrics();
                double completed = metrics.value("dns_transfers_completed_total");
                double failed = metrics.sum("dns_transfers_failed_total");
                if (completed != transfers.count || failed != 0) {
                    throw new IllegalStateException("the server counted " + completed + " completed and " + failed
                            + " failed transfers; expected " + transfers.count + " and 0");
                }
            }
            Report report = new Report(runs);
            out.println();
            for (String direction : List.of(TO_PAGE, FROM_PAGE)) {
                List<Run> these = runs.stream().filter(r -> r.direction().equals(direction)).toList();
                if (!these.isEmpty()) {
                    out.println(format("median %s: %.1f MB/s (goal: at least 100); browser %.1f CPU s per GB, all processes %.1f",
                            direction, report.medianMBps(direction),
                            Stats.median(these.stream().map(r -> r.perGb(r.browserTotal())).toList()),
                            Stats.median(these.stream().map(r -> r.perGb(r.browserTotal() + r.server() + r.redis() + r.cli())).toList())));
                }
            }
            out.println("verified: every copy has the source's SHA-256; the server counted every transfer completed, none failed");
            out.println("load average after: " + Machine.loadAverage());
            dir.succeeded();
            return report;
        }
    }

    private static Run print(Run r, PrintStream out) {
        Map<String, Double> kinds = new TreeMap<>(r.browserCpu());
        double renderer = kinds.getOrDefault("renderer", 0.0);
        double network = kinds.getOrDefault("network", 0.0);
        double browser = kinds.getOrDefault("browser", 0.0);
        out.println(format("%s %5.2f %7.1f  | %5.1f (%5.1f %5.1f %5.1f %5.1f) %5.1f %4.1f %4.1f | %5.1f → %5.1f  %5.0f → %5.0f  %5.0f → %5.0f | %.2f",
                r.direction(), r.seconds(), r.mbps(), r.perGb(r.browserTotal()), r.perGb(renderer), r.perGb(network),
                r.perGb(browser), r.perGb(r.browserTotal() - renderer - network - browser), r.perGb(r.server()),
                r.perGb(r.redis()), r.perGb(r.cli()), r.heapBefore() / 1e6, r.heapMax() / 1e6, r.rendererBefore() / 1e6,
                r.rendererMax() / 1e6, r.chromiumBefore() / 1e6, r.chromiumMax() / 1e6, r.load1()));
        out.println("    busiest Chromium threads, CPU s per GB: " + String.join(", ", r.browserThreads().entrySet().stream()
                .limit(8).map(e -> format("%s %.1f", e.getKey(), r.perGb(e.getValue()))).toList()));
        return r;
    }

    /** The transfers of one run of the harness, counted to check against the server's own count. */
    private static final class Transfers {
        private final ProjectJars jars;
        private final ServerUnderTest server;
        private final WorkDir dir;
        private final CpuMeter meter;
        private final PrintStream out;
        int count;

        Transfers(ProjectJars jars, ServerUnderTest server, WorkDir dir, CpuMeter meter, PrintStream out) {
            this.jars = jars;
            this.server = server;
            this.dir = dir;
            this.meter = meter;
            this.out = out;
        }

        /** {@code send --once FILE}; the page joins, clicks Download; timed from the click until the browser saved it all. */
        Run cliToPage(PageBrowser browser, TestData data, String tag, boolean profile) throws Exception {
            String name = data.path().getFileName().toString();
            CliProcesses.Sending sending = CliProcesses.send(jars, server.url(), data.path(),
                    new CliProcesses.Launch(List.of(), false), dir.path(), tag);
            try {
                browser.join(sending.link());
                Measured m = measure(browser, data.size(), sending.process().toHandle(), profile, () -> browser.clickDownload(name),
                        () -> browser.downloaded(name, data.size()), () -> browser.transfersText());
                if (!sending.process().waitFor(30, TimeUnit.SECONDS) || sending.process().exitValue() != 0) {
                    throw new IllegalStateException("send --once did not exit 0 after the download:\n" + sending.stderrText());
                }
                Path saved = browser.downloads().resolve(name);
                try {
                    if (!data.sameAs(saved)) {
                        throw new IllegalStateException("the page saved bytes that differ from " + data.path());
                    }
                } finally {
                    Files.deleteIfExists(saved);
                }
                return m.run(TO_PAGE, data.size(), meter.cpu(sending.process().toHandle()).toNanos() / 1e9 - m.cli0);
            } finally {
                ChildProcesses.stop(sending.process(), Duration.ZERO);
            }
        }

        /** The page shares the file; {@code receive LINK NAME} takes it; timed from starting receive to its exit. */
        Run pageToCli(PageBrowser browser, String link, TestData data, String tag, boolean profile) throws Exception {
            String name = data.path().getFileName().toString();
            Path target = Files.createDirectories(dir.resolve("received-" + tag));
            Process[] receive = new Process[1];
            Measured m = measure(browser, data.size(), null, profile, () -> {
                try {
                    receive[0] = CliProcesses.receive(jars, link, target, new CliProcesses.Launch(List.of(), false),
                            dir.path(), tag, List.of(name));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                meter.watch(receive[0].toHandle());
            }, () -> !receive[0].isAlive(), () -> browser.transfersText());
            if (receive[0].exitValue() != 0) {
                throw new IllegalStateException("receive exited " + receive[0].exitValue() + ":\n"
                        + Files.readString(dir.resolve("receive-" + tag + ".err")));
            }
            Path saved = Path.of(Files.readString(dir.resolve("receive-" + tag + ".out")).trim());
            try {
                if (!data.sameAs(saved)) {
                    throw new IllegalStateException("receive saved bytes that differ from " + data.path());
                }
            } finally {
                Files.deleteIfExists(saved);
            }
            return m.run(FROM_PAGE, data.size(), meter.cpu(receive[0].toHandle()).toNanos() / 1e9);
        }

        /** What one transfer cost; the CLI's CPU is added by the caller, who knows which process it was. */
        private final class Measured {
            double seconds;
            double cli0;
            double server0;
            double redis0;
            long heapBefore;
            long heapMax;
            ChromiumUsage usage;
            double load1;

            Run run(String direction, long size, double cli) {
                double serverCpu = meter.cpu(server.handle()).toNanos() / 1e9 - server0;
                double redisCpu = meter.cpu(server.embeddedRedis()).toNanos() / 1e9 - redis0;
                return new Run(direction, size, seconds, usage.cpuByKind(), serverCpu, redisCpu, cli, heapBefore, heapMax,
                        usage.rendererBefore(), usage.rendererMax(), usage.residentBefore(), usage.residentMax(), load1,
                        usage.cpuByThread());
            }
        }

        private Measured measure(PageBrowser browser, long size, ProcessHandle cli, boolean profile, Runnable start,
                                 java.util.function.BooleanSupplier done, java.util.function.Supplier<String> state)
                throws InterruptedException {
            Measured m = new Measured();
            meter.watch(server.handle());
            server.embeddedRedis().forEach(meter::watch);
            if (cli != null) {
                meter.watch(cli);
                m.cli0 = meter.cpu(cli).toNanos() / 1e9;
            }
            m.server0 = meter.cpu(server.handle()).toNanos() / 1e9;
            m.redis0 = meter.cpu(server.embeddedRedis()).toNanos() / 1e9;
            m.heapBefore = browser.jsHeapUsed();
            m.heapMax = m.heapBefore;
            m.usage = new ChromiumUsage(browser);
            m.load1 = Machine.load1();
            Runnable body = () -> {
                long started = System.nanoTime();
                start.run();
                long deadline = started + CliTransfer.limitFor(size).toNanos();
                int polls = 0;
                while (!done.getAsBoolean()) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("the transfer did not finish in time; the page shows: " + state.get());
                    }
                    if (++polls % 5 == 0) { // every 250 ms: the browser's usage and the tab's heap
                        m.usage.sample();
                        m.heapMax = Math.max(m.heapMax, browser.jsHeapUsed());
                        if (state.get().contains("Failed")) {
                            throw new IllegalStateException("the page says: " + state.get());
                        }
                    }
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted");
                    }
                }
                m.seconds = (System.nanoTime() - started) / 1e9;
            };
            if (profile) {
                Map<String, Double> self = browser.profile(body);
                double total = self.values().stream().mapToDouble(Double::doubleValue).sum();
                out.println(format("page main thread profile (%.0f ms sampled), self time:", total));
                self.entrySet().stream().limit(15).forEach(e -> out.println(format("  %6.0f ms %4.1f %%  %s",
                        e.getValue(), 100 * e.getValue() / total, e.getKey())));
            } else {
                body.run();
            }
            m.usage.sample();
            count++;
            return m;
        }
    }
}
