package app.dragnshare.benchmarks.harness;

import java.util.HashMap;
import java.util.Map;

/**
 * What one Chromium costs while a transfer runs, sampled from /proc: CPU seconds per process
 * kind (browser, renderer, network, …) since this reading began, and the most resident memory of
 * all its processes and of its renderers (the tab and its service worker). A process that ends
 * counts up to its last sample.
 */
public final class ChromiumUsage {
    private final PageBrowser browser;
    private final Map<Long, String> kinds = new HashMap<>();
    private final Map<Long, Double> start = new HashMap<>();
    private final Map<Long, Double> latest = new HashMap<>();
    private final Map<String, Double> threadStart = new HashMap<>();
    private final Map<String, Double> threadLatest = new HashMap<>(); // "pid/tid kind:name" → CPU s
    private final long residentBefore;
    private final long rendererBefore;
    private long residentMax;
    private long rendererMax;

    public ChromiumUsage(PageBrowser browser) {
        this.browser = browser;
        sample();
        start.putAll(latest);
        threadStart.putAll(threadLatest);
        residentBefore = residentMax;
        rendererBefore = rendererMax;
    }

    public void sample() {
        long resident = 0;
        long renderer = 0;
        for (PageBrowser.ChromiumProcess p : browser.processes()) {
            long pid = p.handle().pid();
            kinds.put(pid, p.kind());
            p.handle().info().totalCpuDuration().ifPresent(cpu -> latest.merge(pid, cpu.toNanos() / 1e9, Math::max));
            readThreads(pid, p.kind());
            long rss = p.residentBytes();
            resident += rss;
            if (p.kind().equals("renderer")) {
                renderer += rss;
            }
        }
        residentMax = Math.max(residentMax, resident);
        rendererMax = Math.max(rendererMax, renderer);
    }

    /** Each thread's CPU from /proc/PID/task/TID/stat (utime + stime, in clock ticks of 10 ms). */
    private void readThreads(long pid, String kind) {
        try (var tasks = java.nio.file.Files.list(java.nio.file.Path.of("/proc", Long.toString(pid), "task"))) {
            for (java.nio.file.Path task : tasks.toList()) {
                String stat = java.nio.file.Files.readString(task.resolve("stat"));
                int open = stat.indexOf('(');
                int close = stat.lastIndexOf(')');
                String[] fields = stat.substring(close + 2).split(" ");
                double cpu = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
                String key = pid + "/" + task.getFileName() + " " + kind + ":" + stat.substring(open + 1, close);
                threadLatest.merge(key, cpu, Math::max);
            }
        } catch (java.io.IOException | RuntimeException e) {
            // the process or thread ended meanwhile
        }
    }

    /** CPU seconds since this reading began per "kind:thread name" (threads of one name summed), most first. */
    public Map<String, Double> cpuByThread() {
        Map<String, Double> byName = new HashMap<>();
        threadLatest.forEach((key, cpu) -> byName.merge(key.substring(key.indexOf(' ') + 1),
                cpu - threadStart.getOrDefault(key, 0.0), Double::sum));
        Map<String, Double> sorted = new java.util.LinkedHashMap<>();
        byName.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** CPU seconds since this reading began, per process kind. */
    public Map<String, Double> cpuByKind() {
        Map<String, Double> byKind = new HashMap<>();
        latest.forEach((pid, cpu) -> byKind.merge(kinds.get(pid), cpu - start.getOrDefault(pid, 0.0), Double::sum));
        return byKind;
    }

    public double cpuTotal() {
        return cpuByKind().values().stream().mapToDouble(Double::doubleValue).sum();
    }

    public long residentBefore() {
        return residentBefore;
    }

    public long residentMax() {
        return residentMax;
    }

    public long rendererBefore() {
        return rendererBefore;
    }

    public long rendererMax() {
        return rendererMax;
    }
}
