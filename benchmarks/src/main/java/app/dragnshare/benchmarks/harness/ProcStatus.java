package app.dragnshare.benchmarks.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What Linux tells about a process in /proc/PID/status: peak and current resident memory
 * (VmHWM, VmRSS) and its thread count. Kernel figures, so they cover the whole process
 * (heap, metaspace, thread stacks, direct buffers), not only what the JVM reports.
 */
public record ProcStatus(long peakRssBytes, long rssBytes, int threads) {

    /** The process's status now, or null when it is gone (or this is not Linux). */
    public static ProcStatus of(long pid) {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"));
        } catch (IOException e) {
            return null;
        }
        long hwm = 0;
        long rss = 0;
        int threads = 0;
        for (String line : lines) {
            if (line.startsWith("VmHWM:")) {
                hwm = kib(line);
            } else if (line.startsWith("VmRSS:")) {
                rss = kib(line);
            } else if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.substring("Threads:".length()).trim());
            }
        }
        return new ProcStatus(hwm, rss, threads);
    }

    private static long kib(String line) {
        String[] parts = line.split("\\s+");
        return Long.parseLong(parts[1]) * 1024;
    }
}
