package app.dragnshare.benchmarks.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The server's {@code -Xlog:gc} file, read for exact heap figures at no cost to the server: the
 * heap is fullest right before a collection, so the largest "before" is the peak heap use; the
 * "after" of each collection is what was still live, which must stay flat however big the file.
 */
public final class GcLog {
    // [1.234s][info][gc] GC(7) Pause Young (Normal) (G1 Evacuation Pause) 60M->12M(128M) 3.456ms
    private static final Pattern PAUSE = Pattern.compile("\\[([0-9.]+)s].*GC\\(\\d+\\) (Pause .*?) (\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\) ([0-9.]+)ms");

    /** One collection: when (seconds since JVM start), heap used before and after, capacity, pause. */
    public record Collection(double uptimeSeconds, String kind, long beforeBytes, long afterBytes, long capacityBytes,
                             double pauseMillis) {
    }

    private GcLog() {
    }

    public static List<Collection> read(Path file) throws IOException {
        List<Collection> collections = new ArrayList<>();
        if (!Files.exists(file)) {
            return collections;
        }
        for (String line : Files.readAllLines(file)) {
            Matcher m = PAUSE.matcher(line);
            if (m.find()) {
                collections.add(new Collection(Double.parseDouble(m.group(1)), m.group(2).trim(),
                        bytes(m.group(3), m.group(4)), bytes(m.group(5), m.group(6)), bytes(m.group(7), m.group(8)),
                        Double.parseDouble(m.group(9))));
            }
        }
        return collections;
    }

    /** Collections from {@code fromSeconds} (JVM uptime) on. */
    public static List<Collection> since(List<Collection> all, double fromSeconds) {
        return all.stream().filter(c -> c.uptimeSeconds() >= fromSeconds).toList();
    }

    public static long peakBefore(List<Collection> collections) {
        return collections.stream().mapToLong(Collection::beforeBytes).max().orElse(0);
    }

    public static long peakAfter(List<Collection> collections) {
        return collections.stream().mapToLong(Collection::afterBytes).max().orElse(0);
    }

    public static double totalPauseMillis(List<Collection> collections) {
        return collections.stream().mapToDouble(Collection::pauseMillis).sum();
    }

    private static long bytes(String number, String unit) {
        long n = Long.parseLong(number);
        return switch (unit) {
            case "K" -> n << 10;
            case "M" -> n << 20;
            default -> n << 30;
        };
    }
}
