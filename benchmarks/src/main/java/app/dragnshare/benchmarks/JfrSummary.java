package app.dragnshare.benchmarks;

import static app.dragnshare.benchmarks.harness.Stats.format;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JVM spent its time, from a JFR recording: CPU samples by thread, by the method on top
 * of the stack (self time), and by the project's and its libraries' methods anywhere on the
 * stack (inclusive); plus the allocation sites that allocated the most bytes and the time spent
 * in GC. Only samples of threads running Java code are seen; waits in the kernel are not CPU.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar app.dragnshare.benchmarks.JfrSummary FILE.jfr [TOP]</pre>
 */
public final class JfrSummary {
    /** Packages whose methods are worth naming inclusively: ours and the libraries on the chunk path. */
    private static final List<String> INTERESTING = List.of("app.dragnshare.", "io.helidon.", "redis.clients.",
            "jdk.internal.net.http.", "com.sun.crypto.", "java.util.Base64", "sun.nio.", "java.net.", "sun.security.");

    private JfrSummary() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: JfrSummary FILE.jfr [TOP]");
            System.exit(2);
        }
        print(Path.of(args[0]), args.length > 1 ? Integer.parseInt(args[1]) : 25, System.out);
    }

    public static void print(Path file, int top, PrintStream out) throws IOException {
        if (!Files.exists(file)) {
            out.println(file + ": no recording");
            return;
        }
        Map<String, Long> self = new HashMap<>();
        Map<String, Long> inclusive = new HashMap<>();
        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> allocations = new HashMap<>();
        long samples = 0;
        long allocated = 0;
        double gcMillis = 0;
        int gcs = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            switch (event.getEventType().getName()) {
                case "jdk.ExecutionSample" -> {
                    RecordedStackTrace stack = event.getStackTrace();
                    if (stack == null || stack.getFrames().isEmpty()) {
                        continue;
                    }
                    samples++;
                    self.merge(name(stack.getFrames().getFirst()), 1L, Long::sum);
                    Set<String> seen = new HashSet<>();
                    for (RecordedFrame frame : stack.getFrames()) {
                        String method = name(frame);
                        if (INTERESTING.stream().anyMatch(method::startsWith) && seen.add(method)) {
                            inclusive.merge(method, 1L, Long::sum);
                        }
                    }
                    threads.merge(threadGroup(event), 1L, Long::sum);
                }
                case "jdk.ObjectAllocationSample" -> {
                    long weight = event.getLong("weight");
                    allocated += weight;
                    RecordedStackTrace stack = event.getStackTrace();
                    String site = stack == null ? "?" : firstInteresting(stack);
                    allocations.merge(site + "  [" + event.getClass("objectClass").getName() + "]", weight, Long::sum);
                }
                case "jdk.GarbageCollection" -> {
                    gcs++;
                    gcMillis += event.getDuration().toNanos() / 1e6;
                }
                default -> { }
            }
        }
        out.println();
        out.println("== " + file + ": " + samples + " CPU samples, " + gcs + " GCs (" + Math.round(gcMillis) + " ms), "
                + format("%.0f MiB", allocated / 1048576.0) + " allocated (sampled estimate)");
        table(out, "threads", threads, samples, top);
        table(out, "self (top of stack)", self, samples, top);
        table(out, "inclusive (project and chunk-path libraries)", inclusive, samples, top);
        out.println("-- allocation sites (bytes, first project/library frame)");
        long allocatedTotal = Math.max(1, allocated);
        allocations.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(Math.min(top, 12))
                .forEach(e -> out.println(format("  %5.1f%%  %7.0f MiB  %s", 100.0 * e.getValue() / allocatedTotal,
                        e.getValue() / 1048576.0, e.getKey())));
    }

    private static void table(PrintStream out, String title, Map<String, Long> counts, long total, int top) {
        out.println("-- " + title);
        counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(e -> out.println(format("  %5.1f%%  %s", 100.0 * e.getValue() / Math.max(1, total), e.getKey())));
    }

    private static String name(RecordedFrame frame) {
        RecordedMethod method = frame.getMethod();
        return method.getType().getName() + "." + method.getName();
    }

    private static String firstInteresting(RecordedStackTrace stack) {
        for (RecordedFrame frame : stack.getFrames()) {
            String method = name(frame);
            if (method.startsWith("app.dragnshare.") || method.startsWith("io.helidon.") || method.startsWith("redis.clients.")
                    || method.startsWith("jdk.internal.net.http.")) {
                return method;
            }
        }
        return name(stack.getFrames().getFirst());
    }

    /** Thread names without their numbers, so a hundred virtual threads of one kind count together. */
    private static String threadGroup(RecordedEvent event) {
        var thread = event.getThread("sampledThread");
        if (thread == null) {
            return "?";
        }
        String name = thread.getJavaName() == null ? "?" : thread.getJavaName();
        String kind = thread.isVirtual() ? "virtual " : "";
        return kind + name.replaceAll("[0-9a-zA-Z_-]{22}$", "<id>").replaceAll("\\d+", "#");
    }
}
