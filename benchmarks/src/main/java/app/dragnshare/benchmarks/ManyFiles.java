package app.dragnshare.benchmarks;

import static app.dragnshare.benchmarks.harness.Stats.format;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import app.dragnshare.benchmarks.harness.ChildProcesses;
import app.dragnshare.benchmarks.harness.CliProcesses;
import app.dragnshare.benchmarks.harness.CpuMeter;
import app.dragnshare.benchmarks.harness.FileTree;
import app.dragnshare.benchmarks.harness.Machine;
import app.dragnshare.benchmarks.harness.Options;
import app.dragnshare.benchmarks.harness.PageBrowser;
import app.dragnshare.benchmarks.harness.ProjectJars;
import app.dragnshare.benchmarks.harness.ServerUnderTest;
import app.dragnshare.benchmarks.harness.Stats;
import app.dragnshare.benchmarks.harness.WorkDir;

/**
 * A tree of many small files (default 1,000 × 10 KiB in 20 folders) shared with {@code send
 * --once TREE} and received whole: by the CLI ({@code receive LINK --out DIR}; goal 5 s, the tree
 * identical) or by the page in headless Chromium as one zip ("Download all"; goal 10 s, the zip
 * passes {@code unzip -t} and holds the tree byte for byte). Timed from the receive (the click)
 * to the last byte on disk, JVM start included for the CLI. CPU per process, and per file.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar app.dragnshare.benchmarks.ManyFiles [--to cli|page] [--files 1000]
 *      [--size 10k] [--folders 20] [--runs 3] [--server-heap 256m] [--dir DIR] [--quick]
 *      [--profile DIR]   (JFR recordings: the server for the whole run, each run's send and receive)
 *      [--warmup N]      (untimed runs first, so the server's JIT is warm, as EndToEnd's warm-up; default 2:
 *                         the server's JIT settles after about 2,000 transfers; none with --quick)
 * </pre>
 */
public final class ManyFiles {
    private static final Set<String> VALUED = Set.of("to", "files", "size", "folders", "runs", "server-heap", "dir",
            "profile", "warmup");
    private static final Set<String> FLAGS = Set.of("quick");

    public record Settings(boolean toPage, int files, long size, int folders, int runs, String serverHeap, String dir,
                           Path profile, int warmup) {
        public static Settings from(Options o) {
            boolean quick = o.flag("quick");
            String to = o.text("to", "cli");
            if (!Set.of("cli", "page").contains(to)) {
                throw new IllegalArgumentException("--to is cli or page, not " + to);
            }
            return new Settings(to.equals("page"), o.integer("files", quick ? 40 : 1000), o.bytes("size", 10L << 10),
                    o.integer("folders", quick ? 4 : 20), o.integer("runs", quick ? 1 : 3), o.text("server-heap", "256m"),
                    o.text("dir", null), o.flag("profile") ? Path.of(o.text("profile", "")) : null,
                    o.integer("warmup", quick ? 0 : 2));
        }
    }

    /** One run: wall seconds and CPU seconds of each process (receiver: the CLI, or every Chromium process). */
    public record Run(double seconds, double sender, double server, double redis, double receiver, double load1) {
        double total() {
            return sender + server + redis + receiver;
        }
    }

    public record Report(List<Run> runs) {
        public double medianSeconds() {
            return Stats.median(runs.stream().map(Run::seconds).toList());
        }
    }

    private ManyFiles() {
    }

    public static void main(String[] args) throws Exception {
        run(Settings.from(Options.parse(args, VALUED, FLAGS)), System.out);
        System.exit(0);
    }

    public static Report run(Settings s, PrintStream out) throws Exception {
        ProjectJars jars = ProjectJars.find();
        String to = s.toPage() ? "the page in headless Chromium, as one zip (Download all)" : "the CLI (receive)";
        out.println(format("Drag-n-Share many files: %d × %s in %d folders, send --once → %s; %d runs, server -Xmx%s",
                s.files(), Stats.size(s.size()), s.folders(), to, s.runs(), s.serverHeap()));
        out.println("machine: " + Machine.describe());
        out.println("load average before: " + Machine.loadAverage());
        List<Run> runs = new ArrayList<>();
        if (s.profile() != null) {
            Files.createDirectories(s.profile());
        }
        try (WorkDir dir = WorkDir.create(s.dir(), "dns-many-files-", out); CpuMeter meter = new CpuMeter();
             ServerUnderTest server = ServerUnderTest.start(jars, s.serverHeap(), dir.path(), ServerUnderTest.settings(
                     java.util.Map.of("MAX_FILES_PER_SESSION", Integer.toString(Math.max(2000, s.files())))),
                     EndToEnd.recording(s.profile(), "server"))) {
            FileTree tree = FileTree.create(dir.resolve("source/Tree"), s.files(), s.size(), s.folders(), 5);
            out.println(format("server pid %d with %s; tree %s, %d files, %s", server.handle().pid(), server.redisDescription(),
                    tree.root(), s.files(), Stats.size(tree.bytes())));
            out.println();
            out.println("run  s      per file ms | CPU s: sender server redis receiver (all) | CPU ms per file | load1");
            try (PageBrowser browser = s.toPage() ? PageBrowser.start(dir.resolve("downloads")) : null) {
                for (int i = 1 - s.warmup(); i <= 0; i++) { // each CLI is a fresh JVM in every run, as for a user
                    Run run = s.toPage() ? toPage(jars, server, tree, browser, dir, meter, i, null)
                            : toCli(jars, server, tree, dir, meter, i, null);
                    out.println(format("warm-up, untimed: %.2f s, server %.2f CPU s", run.seconds(), run.server()));
                }
                for (int i = 1; i <= s.runs(); i++) {
                    Run run = s.toPage() ? toPage(jars, server, tree, browser, dir, meter, i, s.profile())
                            : toCli(jars, server, tree, dir, meter, i, s.profile());
                    runs.add(run);
                    out.println(format("%3d %6.2f %8.2f     | %6.2f %6.2f %5.2f %6.2f (%6.2f) | %6.2f | %.2f", i, run.seconds(),
                            1000 * run.seconds() / s.files(), run.sender(), run.server(), run.redis(), run.receiver(),
                            run.total(), 1000 * run.total() / s.files(), run.load1()));
                }
            }
            Report report = new Report(runs);
            out.println();
            out.println(format("median: %.2f s for %d files (goal: %s); every run's %s", report.medianSeconds(), s.files(),
                    s.toPage() ? "at most 10 s" : "at most 5 s",
                    s.toPage() ? "zip passed unzip -t and held the tree byte for byte" : "copy was the same tree, byte for byte"));
            out.println("load average after: " + Machine.loadAverage());
            dir.succeeded();
        }
        if (s.profile() != null) { // the server's recording is written when it stops
            out.println();
            out.println("JFR recordings in " + s.profile() + " (server: whole run; send-N/receive-N: run N); the last run's:");
            for (String name : List.of("server", "send-" + s.runs(), "receive-" + s.runs())) {
                JfrSummary.print(s.profile().resolve(name + ".jfr"), 15, out);
            }
        }
        return new Report(runs);
    }

    private static Run toCli(ProjectJars jars, ServerUnderTest server, FileTree tree, WorkDir dir, CpuMeter meter, int i,
                             Path profile) throws Exception {
        CliProcesses.Sending sending = send(jars, server, tree, dir, i, profile);
        try {
            Path out = Files.createDirectories(dir.resolve("received-" + i));
            Cpu before = Cpu.of(meter, server, sending.process().toHandle());
            double load1 = Machine.load1();
            long start = System.nanoTime();
            Process receive = CliProcesses.receive(jars, sending.link(), out,
                    new CliProcesses.Launch(EndToEnd.recording(profile, "receive-" + i), false),
                    dir.path(), "tree-" + i);
            meter.watch(receive.toHandle());
            if (!receive.waitFor(300, TimeUnit.SECONDS)) {
                throw new IllegalStateException("receive took more than 300 s");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double receiver = meter.cpu(receive.toHandle()).toNanos() / 1e9;
            if (receive.exitValue() != 0) {
                throw new IllegalStateException("receive exited " + receive.exitValue() + ":\n"
                        + Files.readString(dir.resolve("receive-tree-" + i + ".err")));
            }
            finish(sending);
            Cpu after = Cpu.of(meter, server, sending.process().toHandle());
            tree.checkFolder(out);
            // kept until the work folder goes: on this VM's ext4 (no journal) an inode freed less than
            // 60–300 s ago is skipped one by one when a new file is made, so deleting 1,000 files here
            // made the next run's receiver pay 1.5–2 CPU s in the kernel (perf: ext4 recently_deleted)
            return new Run(seconds, after.sender - before.sender, after.server - before.server, after.redis - before.redis,
                    receiver, load1);
        } finally {
            ChildProcesses.stop(sending.process(), Duration.ZERO);
        }
    }

    private static Run toPage(ProjectJars jars, ServerUnderTest server, FileTree tree, PageBrowser browser, WorkDir dir,
                              CpuMeter meter, int i, Path profile) throws Exception {
        CliProcesses.Sending sending = send(jars, server, tree, dir, i, profile);
        try {
            browser.join(sending.link(), tree.files().size() + " files ·");
            String zip = browser.sessionName() + ".zip";
            List<ProcessHandle> chromium = browser.processes().stream().map(PageBrowser.ChromiumProcess::handle).toList();
            chromium.forEach(meter::watch);
            double chromium0 = chromium.stream().mapToDouble(p -> meter.cpu(p).toNanos() / 1e9).sum();
            Cpu before = Cpu.of(meter, server, sending.process().toHandle());
            double load1 = Machine.load1();
            long start = System.nanoTime();
            browser.clickDownloadAll();
            long deadline = start + Duration.ofSeconds(300).toNanos();
            while (!browser.saved(zip)) {
                if (System.nanoTime() > deadline || browser.transfersText().contains("Failed")) {
                    throw new IllegalStateException("the zip did not arrive; the page shows: " + browser.transfersText());
                }
                Thread.sleep(20);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            double receiver = chromium.stream().mapToDouble(p -> meter.cpu(p).toNanos() / 1e9).sum() - chromium0;
            finish(sending);
            Cpu after = Cpu.of(meter, server, sending.process().toHandle());
            Path saved = browser.downloads().resolve(zip);
            tree.checkZip(saved);
            Files.delete(saved);
            return new Run(seconds, after.sender - before.sender, after.server - before.server, after.redis - before.redis,
                    receiver, load1);
        } finally {
            ChildProcesses.stop(sending.process(), Duration.ZERO);
        }
    }

    private static CliProcesses.Sending send(ProjectJars jars, ServerUnderTest server, FileTree tree, WorkDir dir, int i,
                                             Path profile) throws Exception {
        return CliProcesses.send(jars, server.url(), tree.root(),
                new CliProcesses.Launch(EndToEnd.recording(profile, "send-" + i), false), dir.path(), "tree-" + i);
    }

    private static void finish(CliProcesses.Sending sending) throws Exception {
        if (!sending.process().waitFor(30, TimeUnit.SECONDS) || sending.process().exitValue() != 0) {
            throw new IllegalStateException("send --once did not exit 0 after the tree was received:\n" + sending.stderrText());
        }
    }

    /** CPU seconds so far of the sender, the server and its Redis. */
    private record Cpu(double sender, double server, double redis) {
        static Cpu of(CpuMeter meter, ServerUnderTest server, ProcessHandle sender) {
            meter.watch(sender);
            meter.watch(server.handle());
            server.embeddedRedis().forEach(meter::watch); // both embedded redis-servers (sessions, transfers)
            return new Cpu(meter.cpu(sender).toNanos() / 1e9, meter.cpu(server.handle()).toNanos() / 1e9,
                    meter.cpu(server.embeddedRedis()).toNanos() / 1e9);
        }
    }
}
