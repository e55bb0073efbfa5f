package app.dragnshare.benchmarks.harness;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import app.dragnshare.benchmarks.LoopbackBaseline;

/**
 * Runs one {@link LoopbackBaseline} copy as two fresh JVMs and times it the way the end-to-end
 * run times a Drag-n-Share transfer: from starting the receiving JVM to its exit.
 *
 * @param seconds     wall time of the receiving process, JVM start included (as for the CLI)
 * @param copySeconds the receiving JVM's own time from connect to fsync (no JVM start)
 * @param cpuSeconds  CPU time of both baseline processes, JVM start-up included
 */
public record Baseline(double seconds, double copySeconds, double cpuSeconds) {

    public static Baseline copy(TestData data, Path target, Duration limit, CpuMeter meter)
            throws IOException, InterruptedException {
        return copy(data, target, limit, meter, null);
    }

    /** @param delay with a value, the copy goes through a {@link DelayProxy} that holds bytes this long each way */
    public static Baseline copy(TestData data, Path target, Duration limit, CpuMeter meter, Duration delay)
            throws IOException, InterruptedException {
        String classpath = System.getProperty("java.class.path");
        Process serve = ChildProcesses.register(new ProcessBuilder(ProjectJars.java(), "-cp", classpath,
                LoopbackBaseline.class.getName(), "serve", data.path().toString()).redirectErrorStream(true).start());
        meter.watch(serve.toHandle());
        DelayProxy proxy = null;
        try {
            BufferedReader serveOut = new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
            String port = CompletableFuture.supplyAsync(() -> {
                try {
                    return serveOut.readLine();
                } catch (IOException e) {
                    return null;
                }
            }).get(60, TimeUnit.SECONDS);
            if (port == null || !port.matches("\\d+")) {
                throw new IllegalStateException("the baseline's sending side did not start: " + port);
            }
            if (delay != null) {
                proxy = DelayProxy.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(port)), delay);
                port = Integer.toString(proxy.port());
            }
            long start = System.nanoTime();
            Process fetch = ChildProcesses.register(new ProcessBuilder(ProjectJars.java(), "-cp", classpath,
                    LoopbackBaseline.class.getName(), "fetch", port, target.toString()).redirectErrorStream(true).start());
            meter.watch(fetch.toHandle());
            CompletableFuture<String> fetchOut = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(fetch.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
                } catch (IOException e) {
                    return "";
                }
            });
            if (!fetch.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                ChildProcesses.stop(fetch, Duration.ZERO);
                throw new IllegalStateException("the baseline copy took longer than " + limit.toSeconds() + " s");
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            String printed = fetchOut.get(10, TimeUnit.SECONDS);
            if (fetch.exitValue() != 0 || !printed.matches("\\d+")) {
                throw new IllegalStateException("the baseline copy failed (exit " + fetch.exitValue() + "): " + printed);
            }
            if (!serve.waitFor(30, TimeUnit.SECONDS) || serve.exitValue() != 0) {
                throw new IllegalStateException("the baseline's sending side did not finish cleanly");
            }
            double cpu = (meter.cpu(serve.toHandle()).toNanos() + meter.cpu(fetch.toHandle()).toNanos()) / 1e9;
            if (!data.sameAs(target)) {
                throw new IllegalStateException("the baseline copy " + target + " differs from " + data.path());
            }
            return new Baseline(seconds, Long.parseLong(printed) / 1e9, cpu);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the baseline copy did not run: " + e, e);
        } finally {
            if (proxy != null) {
                proxy.close();
            }
            ChildProcesses.stop(serve, Duration.ZERO);
            Files.deleteIfExists(target);
        }
    }
}
