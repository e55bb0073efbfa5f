package app.dragnshare.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import app.dragnshare.benchmarks.harness.Options;

/**
 * The quick mode CI runs: every benchmark and harness still runs end to end on the real server
 * jar, the real CLI and a real Redis, and every transfer verifies. Speed is not asserted here: CI
 * machines are shared and small; the figures come from full runs (benchmarks/README.md).
 */
class QuickModeTest {
    private static final Set<String> BENCHMARKS = Set.of(
            "RelayBenchmark.relayChunks", "ChunkCipherBenchmark.seal", "ChunkCipherBenchmark.open",
            "ColdChunkCipherBenchmark.sealAndOpenFirstChunks", "SseChunkBenchmark.encode", "SseChunkBenchmark.decode",
            "WebSocketIntakeBenchmark.helidonFramesIntoElement", "WebSocketIntakeBenchmark.bulkFramesIntoElement",
            "WebSocketIntakeBenchmark.copyOnly");

    @Test
    void everyJmhBenchmarkRunsOnceWithTheSmallestParameters() throws Exception {
        Collection<RunResult> results = new Runner(new OptionsBuilder()
                .include("app\\.dragnshare\\.benchmarks\\.jmh\\..*")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .param("chunkSize", "65536")
                .param("queueDepth", "4")
                .param("frameSize", "16384")
                .param("primed", "true")
                .shouldFailOnError(true) // a benchmark that throws fails here with its cause
                .build()).run();
        Set<String> ran = results.stream()
                .map(r -> r.getParams().getBenchmark().replaceAll(".*\\.jmh\\.", ""))
                .collect(Collectors.toSet());
        assertEquals(BENCHMARKS, ran, "the benchmarks that ran");
        for (RunResult result : results) {
            assertTrue(result.getPrimaryResult().getScore() > 0, result.getParams().getBenchmark() + " measured nothing");
        }
    }

    @Test
    void endToEndQuickMovesAndVerifiesTheFileAndTheBaseline() throws Exception {
        Captured out = new Captured();
        EndToEnd.Report report = EndToEnd.run(EndToEnd.Settings.from(options("--quick")), out.stream);
        assertEquals(1, report.runs().size(), out.text());
        assertTrue(report.oursMBps() > 0 && report.baselineMBps() > 0, out.text());
        assertTrue(out.text().contains("verified: every receive exited 0"), out.text());
    }

    @Test
    void endToEndQuickRunsThroughTheDelayingProxyAndChecksItAgainstAPlainCopy() throws Exception {
        Captured out = new Captured();
        EndToEnd.Report report = EndToEnd.run(EndToEnd.Settings.from(
                Options.parse(new String[] {"--quick", "--sharer-delay", "25ms"}, Set.of("sharer-delay"), Set.of("quick"))),
                out.stream);
        assertTrue(report.runs().getFirst().baselineThroughProxy() != null, out.text());
        assertTrue(out.text().contains("verified: every receive exited 0"), out.text());
        assertTrue(out.text().contains("long link: baseline through the 25 ms proxy"), out.text());
    }

    @Test
    void firstChunkQuickTimesEveryDownload() throws Exception {
        Captured out = new Captured();
        FirstChunk.Report report = FirstChunk.run(FirstChunk.Settings.from(options("--quick")), out.stream);
        assertEquals(10, report.millis().size(), out.text());
        assertTrue(report.millis().stream().allMatch(ms -> ms > 0), out.text());
        assertTrue(out.text().contains("first chunk after the request: median"), out.text());
    }

    @Test
    void concurrencyQuickVerifiesEveryTransfer() throws Exception {
        Captured out = new Captured();
        Concurrency.Report report = Concurrency.run(Concurrency.Settings.from(options("--quick")), out.stream);
        assertEquals(4, report.perTransferMBps().size(), out.text());
        assertTrue(report.aggregateMBps() > 0, out.text());
        assertTrue(out.text().contains("warm-up: 4 × 262144 bytes at once"), "the untimed warm-up ran first:\n" + out.text());
    }

    @Test
    void concurrencyQuickOverTwoInstancesVerifiesEveryTransfer() throws Exception {
        Captured out = new Captured();
        Concurrency.Report report = Concurrency.run(Concurrency.Settings.from(
                Options.parse(new String[] {"--quick", "--instances", "2"}, Set.of("instances"), Set.of("quick"))), out.stream);
        assertEquals(4, report.perTransferMBps().size(), out.text());
        assertTrue(report.peakRedisConnections() > 0, "both instances on the harness's Redis:\n" + out.text());
        assertTrue(out.text().contains("B: CPU"), out.text());
    }

    @Test
    void soakQuickRunsTransfersWithoutErrors() throws Exception {
        Captured out = new Captured();
        Soak.Report report = Soak.run(Soak.Settings.from(options("--quick")), out.stream);
        assertEquals(0, report.errors(), out.text());
        assertTrue(report.transfers() >= 2, "at least one transfer per worker:\n" + out.text());
        assertTrue(report.samples().size() >= 3, out.text());
    }

    private static Options options(String... args) {
        return Options.parse(args, Set.of(), Set.of("quick"));
    }

    /** A harness's report, printed to the test output and kept for failure messages. */
    private static final class Captured {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream stream = new PrintStream(new TeeStream(bytes), true, StandardCharsets.UTF_8);

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    private static final class TeeStream extends java.io.OutputStream {
        private final ByteArrayOutputStream copy;

        TeeStream(ByteArrayOutputStream copy) {
            this.copy = copy;
        }

        @Override
        public void write(int b) {
            copy.write(b);
            System.out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            copy.write(b, off, len);
            System.out.write(b, off, len);
        }
    }
}
