package app.dragnshare.benchmarks;

import static app.dragnshare.benchmarks.harness.Stats.format;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

import org.openqa.selenium.By;

import app.dragnshare.benchmarks.harness.ChildProcesses;
import app.dragnshare.benchmarks.harness.ChromiumUsage;
import app.dragnshare.benchmarks.harness.CliProcesses;
import app.dragnshare.benchmarks.harness.Machine;
import app.dragnshare.benchmarks.harness.Options;
import app.dragnshare.benchmarks.harness.PageBrowser;
import app.dragnshare.benchmarks.harness.ProjectJars;
import app.dragnshare.benchmarks.harness.ServerUnderTest;
import app.dragnshare.benchmarks.harness.Stats;
import app.dragnshare.benchmarks.harness.TestData;
import app.dragnshare.benchmarks.harness.WorkDir;

/**
 * A large file inside a folder (default 1 GiB), shared with {@code send --once FOLDER} and
 * downloaded by the page in headless Chromium two ways, alternately: as itself ("Download" on
 * its row) and as a zip of its folder ("Download folder"). Goal: the zip streams at the single
 * file's MB/s within 10 %, and the tab's memory stays flat. The single copy is checked by SHA-256;
 * the zip by {@code unzip -t} and its entry's SHA-256.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar app.dragnshare.benchmarks.ZipSpeed [--size 1g] [--runs 3]
 *      [--server-heap 128m] [--dir DIR] [--profile] [--quick]
 * </pre>
 * Each run also prints Chromium's busiest threads in CPU s per GiB (which holds under other load
 * better than MB/s); {@code --profile} records the page's main thread (DevTools Profiler) during
 * the first run of each way.
 */
public final class ZipSpeed {
    private static final Set<String> VALUED = Set.of("size", "runs", "server-heap", "dir");
    private static final Set<String> FLAGS = Set.of("quick", "profile");
    private static final String FOLDER = "Big";
    private static final String FILE = "payload.bin";

    public record Settings(long size, int runs, String serverHeap, String dir, boolean profile) {
        public static Settings from(Options o) {
            boolean quick = o.flag("quick");
            return new Settings(o.bytes("size", quick ? 8L << 20 : 1L << 30), o.integer("runs", quick ? 1 : 3),
                    o.text("server-heap", "128m"), o.text("dir", null), o.flag("profile"));
        }
    }

    /** One download: as a zip or not, wall seconds, the tab's JS heap and renderer RSS before and at most. */
    public record Run(boolean zip, double seconds, long size, long heapBefore, long heapMax, long rendererBefore,
                      long rendererMax, double browserCpu, double load1, Map<String, Double> threads) {
        double mbps() {
            return Stats.megabytesPerSecond(size, seconds);
        }

        double perGib(double cpuSeconds) {
            return cpuSeconds * (1L << 30) / size;
        }
    }

    public record Report(List<Run> runs) {
        public double medianMBps(boolean zip) {
            return Stats.median(runs.stream().filter(r -> r.zip() == zip).map(Run::mbps).toList());
        }

        public double medianCpuPerGib(boolean zip) {
            return Stats.median(runs.stream().filter(r -> r.zip() == zip).map(r -> r.perGib(r.browserCpu())).toList());
        }
    }

    private ZipSpeed() {
    }

    public static void main(String[] args) throws Exception {
        run(Settings.from(Options.parse(args, VALUED, FLAGS)), System.out);
        System.exit(0);
    }

    public static Report run(Settings s, PrintStream out) throws Exception {
        ProjectJars jars = ProjectJars.find();
        out.println(format("Drag-n-Share zip speed: %s in a folder, page download as itself and as a zip of its folder, "
                + "alternately, %d runs each; headless Chromium, server -Xmx%s", Stats.size(s.size()), s.runs(), s.serverHeap()));
        out.println("machine: " + Machine.describe());
        out.println("load average before: " + Machine.loadAverage());
        List<Run> runs = new ArrayList<>();
        try (WorkDir dir = WorkDir.create(s.dir(), "dns-zip-speed-", out);
             ServerUnderTest server = ServerUnderTest.start(jars, s.serverHeap(), dir.path(), ServerUnderTest.HARNESS_SETTINGS,
                     List.of());
             PageBrowser browser = PageBrowser.start(dir.resolve("downloads"))) {
            Path folder = Files.createDirectories(dir.resolve("source/" + FOLDER));
            TestData data = TestData.create(folder.resolve(FILE), s.size(), 42);
            out.println();
            out.println("as      s      MB/s  | JS heap MB (before → max)  renderer RSS MB (before → max) | Chromium CPU s (per GiB) | load1");
            for (int i = 1; i <= 2 * s.runs(); i++) {
                Run run = download(jars, server, browser, folder, data, dir, i % 2 == 0, i, s.profile() && i <= 2, out);
                runs.add(run);
                out.println(format("%-6s %6.2f %7.1f | %6.1f → %6.1f             %6.0f → %6.0f                  | %6.1f (%5.1f) | %.2f",
                        run.zip() ? "zip" : "itself", run.seconds(), run.mbps(), run.heapBefore() / 1e6, run.heapMax() / 1e6,
                        run.rendererBefore() / 1e6, run.rendererMax() / 1e6, run.browserCpu(), run.perGib(run.browserCpu()),
                        run.load1()));
                out.println("    busiest Chromium threads, CPU s per GiB: " + String.join(", ", run.threads().entrySet().stream()
                        .limit(8).map(e -> format("%s %.1f", e.getKey(), run.perGib(e.getValue()))).toList()));
            }
            Report report = new Report(runs);
            double single = report.medianMBps(false);
            double zip = report.medianMBps(true);
            out.println();
            out.println(format("median: itself %.1f MB/s, as a zip %.1f MB/s (%+.1f %%; goal: within 10 %%); JS heap at most "
                            + "%.1f MB", single, zip, 100 * (zip - single) / single,
                    runs.stream().mapToLong(Run::heapMax).max().orElse(0) / 1e6));
            out.println(format("median Chromium CPU s per GiB: itself %.1f, as a zip %.1f", report.medianCpuPerGib(false),
                    report.medianCpuPerGib(true)));
            out.println("verified: each copy's SHA-256; each zip passed unzip -t and its entry's SHA-256");
            out.println("load average after: " + Machine.loadAverage());
            dir.succeeded();
            return report;
        }
    }

    private static Run download(ProjectJars jars, ServerUnderTest server, PageBrowser browser, Path folder, TestData data,
                                WorkDir dir, boolean zip, int i, boolean profile, PrintStream out) throws Exception {
        CliProcesses.Sending sending = CliProcesses.send(jars, server.url(), folder, new CliProcesses.Launch(List.of(), false),
                dir.path(), "big-" + i);
        try {
            browser.join(sending.link(), "1 file ·");
            String saved = zip ? FOLDER + ".zip" : FILE;
            if (!zip) {
                browser.driver().findElement(By.xpath("//li[@data-folder='" + FOLDER + "']//button[@aria-controls]")).click();
            }
            long heapBefore = browser.jsHeapUsed();
            ChromiumUsage usage = new ChromiumUsage(browser);
            double load1 = Machine.load1();
            long[] heap = {heapBefore};
            double[] seconds = {0};
            long start = System.nanoTime();
            Runnable wait = () -> {
                browser.clickButton(zip ? "Download folder " + FOLDER + " as a zip" : "Download " + FOLDER + "/" + FILE);
                long deadline = start + Duration.ofSeconds(60 + data.size() / 2_000_000).toNanos();
                for (int polls = 0; !browser.saved(saved); polls++) {
                    if (System.nanoTime() > deadline || browser.transfersText().contains("Failed")) {
                        throw new IllegalStateException("the download did not finish; the page shows: " + browser.transfersText());
                    }
                    if (polls % 5 == 0) { // every 250 ms
                        usage.sample();
                        heap[0] = Math.max(heap[0], browser.jsHeapUsed());
                    }
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted");
                    }
                }
                seconds[0] = (System.nanoTime() - start) / 1e9; // before a profile is stopped and fetched
            };
            if (profile) {
                Map<String, Double> self = browser.profile(wait);
                double total = self.values().stream().mapToDouble(Double::doubleValue).sum();
                out.println(format("page main thread profile, %s (%.0f ms sampled), self time:", zip ? "zip" : "itself", total));
                self.entrySet().stream().limit(15).forEach(e -> out.println(format("  %6.0f ms %4.1f %%  %s",
                        e.getValue(), 100 * e.getValue() / total, e.getKey())));
            } else {
                wait.run();
            }
            long heapMax = heap[0];
            usage.sample();
            if (!sending.process().waitFor(30, TimeUnit.SECONDS) || sending.process().exitValue() != 0) {
                throw new IllegalStateException("send --once did not exit 0:\n" + sending.stderrText());
            }
            Path file = browser.downloads().resolve(saved);
            if (zip) {
                checkZip(file, data);
            } else if (!data.sameAs(file)) {
                throw new IllegalStateException("the page saved bytes that differ from " + data.path());
            }
            Files.delete(file);
            return new Run(zip, seconds[0], data.size(), heapBefore, heapMax, usage.rendererBefore(), usage.rendererMax(),
                    usage.cpuTotal(), load1, usage.cpuByThread());
        } finally {
            ChildProcesses.stop(sending.process(), Duration.ZERO);
        }
    }

    private static void checkZip(Path zip, TestData data) throws Exception {
        Process test = new ProcessBuilder("unzip", "-tq", zip.toString()).redirectErrorStream(true).start();
        String said = new String(test.getInputStream().readAllBytes());
        if (!test.waitFor(600, TimeUnit.SECONDS) || test.exitValue() != 0) {
            throw new IllegalStateException("unzip -t failed: " + said);
        }
        try (ZipFile file = new ZipFile(zip.toFile()); InputStream in = file.getInputStream(file.getEntry(FOLDER + "/" + FILE))) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 20];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            if (file.size() != 1 || !HexFormat.of().formatHex(digest.digest()).equals(data.sha256())) {
                throw new IllegalStateException("the zip does not hold exactly " + FOLDER + "/" + FILE);
            }
        }
    }
}
