package app.dragnshare.benchmarks.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

/**
 * The machine a figure was measured on, and how busy it was: other work on a shared machine
 * moves every number, so each report carries the load average and the CPU share that was busy.
 */
public final class Machine {
    private Machine() {
    }

    /** One line: date, cores, CPU model, kernel, JDK. */
    public static String describe() {
        return OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS)
                + ", " + Runtime.getRuntime().availableProcessors() + " cores (" + cpuModel() + "), "
                + System.getProperty("os.name") + " " + System.getProperty("os.version")
                + ", JDK " + Runtime.version();
    }

    /** The 1, 5 and 15 minute load averages, as uptime prints them. */
    public static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "n/a";
        }
    }

    /** The one-minute load average as a number (NaN where unknown). */
    public static double load1() {
        try {
            return Double.parseDouble(loadAverage().split(" ")[0]);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    /** Cumulative CPU time of the whole machine (all cores), from /proc/stat, in clock ticks. */
    public record CpuTicks(long busy, long total) {
        public static CpuTicks now() {
            try {
                String[] f = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
                long total = 0;
                for (int i = 1; i < f.length; i++) {
                    total += Long.parseLong(f[i]);
                }
                long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]); // idle + iowait
                return new CpuTicks(total - idle, total);
            } catch (IOException | RuntimeException e) {
                return new CpuTicks(0, 0);
            }
        }

        /** Share of all cores that was busy since {@code earlier}, 0 to 1 (NaN where unknown). */
        public double busySince(CpuTicks earlier) {
            long total = this.total - earlier.total;
            return total <= 0 ? Double.NaN : (double) (busy - earlier.busy) / total;
        }
    }
}
