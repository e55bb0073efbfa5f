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
    private final long residentBefore;
    private final long rendererBefore;
    private long residentMax;
    private long rendererMax;

    public ChromiumUsage(PageBrowser browser) {
        this.browser = browser;
        sample();
        start.putAll(latest);
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
            long rss = p.residentBytes();
            resident += rss;
            if (p.kind().equals("renderer")) {
                renderer += rss;
            }
        }
        residentMax = Math.max(residentMax, resident);
        rendererMax = Math.max(rendererMax, renderer);
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
