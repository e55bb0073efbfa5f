package app.dragnshare.benchmarks.harness;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CPU time used by processes, sampled every 50 ms while they live: once a process has exited and
 * been reaped, the kernel no longer tells, so the last sample stands for its total (at most one
 * interval short). On 2 shared cores, how the CPU seconds split between sender, server, Redis and
 * receiver says more about where the time goes than any single profile.
 */
public final class CpuMeter implements AutoCloseable {
    private static final Duration INTERVAL = Duration.ofMillis(50);

    private final Map<Long, ProcessHandle> watched = new ConcurrentHashMap<>();
    private final Map<Long, Duration> latest = new ConcurrentHashMap<>();
    private final Thread sampler;
    private volatile boolean running = true;

    public CpuMeter() {
        sampler = Thread.ofPlatform().daemon().name("cpu-meter").start(this::sample);
    }

    public void watch(ProcessHandle process) {
        watched.put(process.pid(), process);
        read(process);
    }

    /** CPU time the process has used so far (user + system), as last seen. */
    public Duration cpu(ProcessHandle process) {
        read(process);
        return latest.getOrDefault(process.pid(), Duration.ZERO);
    }

    /** CPU time several processes have used so far, together (e.g. a server's embedded redis-servers). */
    public Duration cpu(java.util.List<ProcessHandle> processes) {
        return processes.stream().map(this::cpu).reduce(Duration.ZERO, Duration::plus);
    }

    private void sample() {
        while (running) {
            watched.values().forEach(this::read);
            try {
                Thread.sleep(INTERVAL);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void read(ProcessHandle process) {
        process.info().totalCpuDuration().ifPresent(cpu -> latest.merge(process.pid(), cpu,
                (a, b) -> a.compareTo(b) >= 0 ? a : b));
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
