package app.dragnshare.benchmarks;

import static app.dragnshare.benchmarks.harness.Stats.format;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import app.dragnshare.benchmarks.harness.ChildProcesses;
import app.dragnshare.benchmarks.harness.CliProcesses;
import app.dragnshare.benchmarks.harness.DelayProxy;
import app.dragnshare.benchmarks.harness.Machine;
import app.dragnshare.benchmarks.harness.MetricsReading;
import app.dragnshare.benchmarks.harness.Options;
import app.dragnshare.benchmarks.harness.ProjectJars;
import app.dragnshare.benchmarks.harness.ServerUnderTest;
import app.dragnshare.benchmarks.harness.Stats;
import app.dragnshare.benchmarks.harness.TestData;
import app.dragnshare.benchmarks.harness.WorkDir;

/**
 * What resuming costs (issue 12: goal at most one chunk sent again per interruption): one
 * {@code receive} of a large file whose connection is cut several times (a proxy drops it; the
 * CLI resumes within the run) and whose process is killed (kill -9) and run again (it resumes
 * from its part). The server's relayed-bytes metric, less the file's ciphertext, is what was
 * sent more than once; it is divided by the interruptions. The receiver reaches the server through
 * a proxy only when there are cuts.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar app.dragnshare.benchmarks.ResumeCost [--size 1g] [--cuts 3] [--kills 2]
 *      [--server-heap 256m] [--dir DIR] [--pace]
 * </pre>
 * By default {@code receive} paces a download only once it was interrupted (PROTOCOL.md §7), so
 * the first interruption costs what the sockets held and the later ones about a chunk each;
 * {@code --pace} runs {@code receive --pace}, paced from the start.
 */
public final class ResumeCost {
    private static final Set<String> VALUED = Set.of("size", "cuts", "kills", "server-heap", "dir");
    private static final int CHUNK = 256 * 1024;

    private ResumeCost() {
    }

    public static void main(String[] args) throws Exception {
        Options o = Options.parse(args, VALUED, Set.of("pace"));
        run(o.bytes("size", 1L << 30), o.integer("cuts", 3), o.integer("kills", 2), o.text("server-heap", "256m"),
                o.text("dir", null), o.flag("pace"), System.out);
        System.exit(0);
    }

    static void run(long size, int cuts, int kills, String heap, String given, boolean pace, PrintStream out) throws Exception {
        List<String> receiveOptions = pace ? List.of("--pace") : List.of();
        ProjectJars jars = ProjectJars.find();
        int interruptions = cuts + kills;
        out.println("Drag-n-Share resume cost: one receive of " + Stats.size(size) + ", its connection cut " + cuts
                + " times (resumed within the run) and its process killed " + kills + " times (resumed by a new run)"
                + (pace ? "; receive --pace" : "; paced once resumed (receive's default)"));
        out.println("machine: " + Machine.describe());
        try (WorkDir dir = WorkDir.create(given, "dns-resume-", out);
             ServerUnderTest server = ServerUnderTest.start(jars, heap, dir.path(), ServerUnderTest.HARNESS_SETTINGS, List.of());
             DelayProxy line = DelayProxy.start(new InetSocketAddress("127.0.0.1", server.url().getPort()), Duration.ZERO)) {
            TestData data = TestData.create(dir.resolve("big.bin"), size, 12);
            // a --dir folder is kept between runs: an earlier run's copy would make this one's "big (1).bin"
            // (and 1 GiB more each time, in RAM on tmpfs, where it slowed every later measurement)
            Path received = emptied(dir.resolve("received"));
            CliProcesses.Launch launch = new CliProcesses.Launch(List.of(), false);
            CliProcesses.Sending sending = CliProcesses.send(jars, server.url(), data.path(), launch, dir.path(), "resume");
            // only cuts need the proxy; its queue would add what it holds to a kill's cost
            String viaLine = cuts == 0 ? sending.link()
                    : sending.link().replace(":" + server.url().getPort() + "/", ":" + line.port() + "/");
            double relayedBefore = MetricsReading.read(server.url()).sum("dns_relay_bytes_total");
            long started = System.nanoTime();
            Process receiving = CliProcesses.receive(jars, viaLine, received, launch, dir.path(), "0", receiveOptions);
            int cutsLeft = cuts;
            int killsLeft = kills;
            for (int i = 1; i <= interruptions; i++) {
                long at = size * i / (interruptions + 1);
                awaitPart(received, at, receiving);
                boolean kill = killsLeft > 0 && (cutsLeft == 0 || i % 2 == 0); // cut, kill, cut, … while both remain
                if (kill) {
                    killsLeft--;
                    ChildProcesses.stop(receiving, Duration.ZERO);
                    receiving.waitFor(10, TimeUnit.SECONDS);
                    receiving = CliProcesses.receive(jars, viaLine, received, launch, dir.path(), Integer.toString(i), receiveOptions);
                    out.println(format("  %d: killed receive at %s of the part, ran it again", i, Stats.size(at)));
                } else {
                    cutsLeft--;
                    line.cut();
                    out.println(format("  %d: cut the receiver's connection at %s", i, Stats.size(at)));
                }
            }
            if (!receiving.waitFor(30, TimeUnit.MINUTES) || receiving.exitValue() != 0) {
                throw new IllegalStateException("the last receive failed; see " + dir.path());
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            if (!data.sameAs(received.resolve("big.bin"))) {
                throw new IllegalStateException("the received file differs from the original");
            }
            double relayed = MetricsReading.read(server.url()).sum("dns_relay_bytes_total") - relayedBefore;
            long chunks = Math.max(1, (size + CHUNK - 1) / CHUNK);
            double again = relayed - (size + 16.0 * chunks);
            out.println(format("relayed %.0f bytes for %.0f bytes of ciphertext: %.0f bytes (%.2f chunks) sent again in all, "
                            + "%.2f chunks per interruption (goal: at most 1); %.1f s, %.1f MB/s, file verified",
                    relayed, size + 16.0 * chunks, again, again / (CHUNK + 16), again / (CHUNK + 16) / interruptions,
                    seconds, size / seconds / 1e6));
            if (!sending.process().waitFor(2, TimeUnit.MINUTES)) {
                throw new IllegalStateException("the sharer did not count the receipt; see " + dir.path());
            }
            out.println("the sharer's --once ended with " + sending.process().exitValue() + " (0: delivered, receipt verified)");
            dir.succeeded();
        }
    }

    private static void awaitPart(Path folder, long bytes, Process receiving) throws IOException, InterruptedException {
        while (true) {
            try (var listing = Files.list(folder)) {
                if (listing.anyMatch(p -> p.getFileName().toString().endsWith(".part") && size(p) >= bytes)) {
                    return;
                }
            }
            if (!receiving.isAlive()) {
                throw new IllegalStateException("receive ended (" + receiving.exitValue() + ") before its part reached " + bytes);
            }
            Thread.sleep(5);
        }
    }

    private static Path emptied(Path folder) throws IOException {
        if (Files.exists(folder)) {
            try (var all = Files.walk(folder)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
        return Files.createDirectories(folder);
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            return 0;
        }
    }
}
