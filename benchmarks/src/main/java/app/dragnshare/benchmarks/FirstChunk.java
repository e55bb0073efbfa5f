package app.dragnshare.benchmarks;

import static app.dragnshare.benchmarks.harness.Stats.format;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import app.dragnshare.benchmarks.harness.Machine;
import app.dragnshare.benchmarks.harness.Options;
import app.dragnshare.benchmarks.harness.ProjectJars;
import app.dragnshare.benchmarks.harness.ServerUnderTest;
import app.dragnshare.benchmarks.harness.SharerAndReceiver;
import app.dragnshare.benchmarks.harness.Stats;
import app.dragnshare.benchmarks.harness.TestData;
import app.dragnshare.benchmarks.harness.WorkDir;
import app.dragnshare.client.transfer.Progress;

/**
 * How soon a download starts: the time from a receiver's request to its first chunk decrypted
 * and written, for a small file on a warm server (goal: under 50 ms). One sharer and one
 * receiver (the jdk-client's classes in this JVM, warmed up with the server) download the same
 * file again and again, each time as a new transfer, one after another. The time covers all a
 * download does before its first chunk: the receiver's new key and request HMAC, the request,
 * the server asking the sharer, the sharer's check and signed offer, the server's pull, the
 * chunk's way through Redis and the event stream, its decryption and write.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar app.dragnshare.benchmarks.FirstChunk [--requests 200] [--size 64k]
 *      [--warmup 100] [--server-heap 128m] [--dir DIR] [--quick]
 * </pre>
 */
public final class FirstChunk {
    private static final Set<String> VALUED = Set.of("requests", "size", "warmup", "server-heap", "dir");
    private static final Set<String> FLAGS = Set.of("quick");

    /** @param warmup downloads first, not counted, so the server's and the clients' JIT are warm */
    public record Settings(int requests, long size, int warmup, String serverHeap, String dir) {
        public static Settings from(Options o) {
            boolean quick = o.flag("quick");
            return new Settings(o.integer("requests", quick ? 10 : 200), o.bytes("size", 64L << 10),
                    o.integer("warmup", quick ? 3 : 100), o.text("server-heap", "128m"), o.text("dir", null));
        }
    }

    /**
     * @param millis      each request's time to its first chunk, in the order measured
     * @param offerMillis each request's time to the sharer's offer (the part before the first chunk's own way)
     */
    public record Report(List<Double> millis, List<Double> offerMillis) {
        public double median() {
            return Stats.median(millis);
        }

        /** The nearest-rank percentile {@code p} (0–100). */
        public double percentile(double p) {
            List<Double> sorted = millis.stream().sorted().toList();
            return sorted.get(Math.max(0, (int) Math.ceil(p / 100 * sorted.size()) - 1));
        }
    }

    private FirstChunk() {
    }

    public static void main(String[] args) throws Exception {
        run(Settings.from(Options.parse(args, VALUED, FLAGS)), System.out);
        System.exit(0);
    }

    public static Report run(Settings settings, PrintStream out) throws Exception {
        ProjectJars jars = ProjectJars.find();
        out.println("Drag-n-Share first chunk: " + settings.requests() + " downloads of " + Stats.size(settings.size())
                + " after " + settings.warmup() + " warm-up downloads, server -Xmx" + settings.serverHeap()
                + ", clients in-process (jdk-client classes)");
        out.println("machine: " + Machine.describe());
        out.println("load average before: " + Machine.loadAverage());
        try (WorkDir dir = WorkDir.create(settings.dir(), "dns-first-chunk-", out);
             ServerUnderTest server = ServerUnderTest.start(jars, settings.serverHeap(), dir.path(),
                     ServerUnderTest.HARNESS_SETTINGS, List.of())) {
            TestData data = TestData.create(dir.resolve("small.bin"), settings.size(), 11);
            List<Double> millis = new ArrayList<>();
            List<Double> offerMillis = new ArrayList<>();
            try (SharerAndReceiver pair = SharerAndReceiver.open(server.url(), data, dir.resolve("received"))) {
                for (int i = 0; i < settings.warmup(); i++) {
                    pair.transferAndVerify(data);
                }
                for (int i = 0; i < settings.requests(); i++) {
                    FirstChunkClock clock = new FirstChunkClock();
                    pair.transferAndVerify(data, clock);
                    millis.add(clock.millis());
                    offerMillis.add(clock.offerMillis());
                }
                List<String> problems = pair.takeSharerProblems();
                if (!problems.isEmpty()) {
                    throw new IllegalStateException("the sharer reported problems: " + problems);
                }
            }
            Report report = new Report(millis, offerMillis);
            out.println(format("first chunk after the request: median %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms "
                            + "(%d downloads, all verified; goal: under 50 ms)", report.median(), report.percentile(90),
                    report.percentile(99), report.percentile(100), millis.size()));
            out.println(format("  of which until the offer arrived: median %.1f ms (the request, the server asking the sharer, "
                    + "its check and signed offer); the rest is the first chunk's own way", Stats.median(offerMillis)));
            out.println("load average after: " + Machine.loadAverage());
            dir.succeeded();
            return report;
        }
    }

    /** Started when the download is asked for; notes the offer and stops at the first chunk written. */
    private static final class FirstChunkClock implements Progress {
        private final long start = System.nanoTime();
        private long offer;
        private long first;

        @Override
        public void started(String name, long size, long done) {
            offer = System.nanoTime();
        }

        @Override
        public void advanced(long bytes) {
            if (first == 0) {
                first = System.nanoTime();
            }
        }

        double millis() {
            if (first == 0) {
                throw new IllegalStateException("the download finished without a chunk");
            }
            return (first - start) / 1e6;
        }

        double offerMillis() {
            return (offer - start) / 1e6;
        }
    }
}
