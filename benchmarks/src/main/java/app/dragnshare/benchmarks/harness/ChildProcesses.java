package app.dragnshare.benchmarks.harness;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Every process a harness starts, so none outlives it: each is stopped when its run is over, and
 * a shutdown hook (Ctrl-C, a failed run) stops whatever is left, with its children (the server's
 * embedded redis-server).
 */
public final class ChildProcesses {
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(p -> stop(p, Duration.ofSeconds(5))),
                "stop-child-processes"));
    }

    private ChildProcesses() {
    }

    public static Process register(Process process) {
        RUNNING.add(process);
        return process;
    }

    /** Asks the process to stop (SIGTERM), waits up to {@code grace}, then kills it and whatever it started. */
    public static void stop(Process process, Duration grace) {
        List<ProcessHandle> children = process.toHandle().descendants().toList();
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            for (ProcessHandle child : children) {
                if (child.isAlive()) {
                    child.destroyForcibly();
                }
            }
            RUNNING.remove(process);
        }
    }
}
