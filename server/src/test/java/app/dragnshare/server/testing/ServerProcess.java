package app.dragnshare.server.testing;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import app.dragnshare.server.Main;
import app.dragnshare.server.redis.FreePort;

/**
 * A server instance in a process of its own (the real {@link Main}), so a test can kill it the
 * way a crash would: no shutdown hook, no goodbye to its clients. Each gets a fresh DATA_DIR of
 * its own unless the settings name one (to restart a server on its data, give both the same).
 */
public final class ServerProcess implements AutoCloseable {
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    private final Process process;
    private final int port;
    private final Path log;
    private final boolean https;

    private ServerProcess(Process process, int port, Path log, boolean https) {
        this.process = process;
        this.port = port;
        this.log = log;
        this.https = https;
    }

    public static ServerProcess start(Map<String, String> settings) throws Exception {
        return start(settings, FreePort.find());
    }

    /** On a given port, e.g. to restart a server where its clients will look for it. */
    public static ServerProcess start(Map<String, String> settings, int port) throws Exception {
        return start(settings, port, 0);
    }

    /** Under a file descriptor limit (`ulimit -n`), as a small container or an old default would set it. */
    public static ServerProcess startWithDescriptorLimit(Map<String, String> settings, int limit) throws Exception {
        return start(settings, FreePort.find(), limit);
    }

    /** Runs one that is expected not to start: its exit code and output, once it exited (within {@code seconds}). */
    public static Exited runUntilExit(Map<String, String> settings, int port, int seconds) throws Exception {
        Process process = builder(settings, port, 0).start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try (var in = process.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                return "";
            }
        });
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("the server process still runs after " + seconds + " s; its output:\n"
                    + output.getNow("(none yet)"));
        }
        return new Exited(process.exitValue(), output.get(10, TimeUnit.SECONDS));
    }

    /** A process that ended: its exit code and everything it printed. */
    public record Exited(int exitCode, String output) {
    }

    private static ProcessBuilder builder(Map<String, String> settings, int port, int descriptorLimit) throws java.io.IOException {
        List<String> java = List.of(JAVA, "-cp", System.getProperty("java.class.path"), Main.class.getName());
        List<String> command = descriptorLimit <= 0 ? java
                // exec: the JVM replaces the shell, so the process we hold is the server itself
                : List.of("bash", "-c", "ulimit -n " + descriptorLimit + " && exec \"$@\"", "server", java.get(0), java.get(1),
                java.get(2), java.get(3));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.putAll(TestServer.environment(settings));
        env.put("PORT", Integer.toString(port));
        if (!settings.containsKey("DATA_DIR")) {
            env.put("DATA_DIR", Files.createTempDirectory("dns-data-").resolve("data").toString());
        }
        return builder;
    }

    private static ServerProcess start(Map<String, String> settings, int port, int descriptorLimit) throws Exception {
        Path log = Files.createTempFile("dns-server-", ".log");
        Process process = builder(settings, port, descriptorLimit).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Boolean> started = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    Files.writeString(log, line + "\n", java.nio.file.StandardOpenOption.APPEND);
                    if (line.startsWith("Open ")) {
                        Thread.ofVirtual().start(() -> drain(out, log));
                        return true;
                    }
                }
            } catch (Exception e) {
                return false;
            }
            return false;
        });
        if (!started.get(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the server process did not start:\n" + Files.readString(log));
        }
        return new ServerProcess(process, port, log,
                "true".equals(settings.get("TLS_SELF_SIGNED")) || settings.containsKey("TLS_CERT_FILE"));
    }

    public int port() {
        return port;
    }

    public URI url() {
        return URI.create((https ? "https" : "http") + "://127.0.0.1:" + port);
    }

    /** The certificate fingerprint the server printed at startup (with TLS). */
    public String fingerprint() throws java.io.IOException {
        String prefix = "HTTPS certificate SHA-256 fingerprint: ";
        String output = log();
        return output.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length()).strip())
                .findFirst().orElseThrow(() -> new AssertionError("no fingerprint in the server's output:\n" + output));
    }

    /** Dies at once, as on SIGKILL or a power cut. */
    public void crash() throws InterruptedException {
        // its embedded redis-server would outlive a SIGKILLed server (no shutdown hook runs): the test must not leak it
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Asks it to stop (SIGTERM, as docker stop or Ctrl-C would) and waits up to {@code seconds}; true if it exited. */
    public boolean stop(int seconds) throws InterruptedException {
        process.destroy();
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    /** Its child processes whose command contains {@code name} (e.g. the embedded redis-server). */
    public java.util.List<ProcessHandle> children(String name) {
        return process.descendants()
                .filter(p -> p.info().command().map(c -> c.contains(name)).orElse(false))
                .toList();
    }

    public int exitValue() {
        return process.exitValue();
    }

    /** Waits up to {@code seconds} for the process to end by itself; true if it did. */
    public boolean awaitExit(int seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    /** The server's process id, e.g. to change its limits with prlimit. */
    public long pid() {
        return process.pid();
    }

    public String log() throws java.io.IOException {
        return Files.readString(log);
    }

    @Override
    public void close() throws InterruptedException {
        crash();
    }

    private static void drain(BufferedReader out, Path log) {
        try {
            for (String line; (line = out.readLine()) != null; ) {
                Files.writeString(log, line + "\n", java.nio.file.StandardOpenOption.APPEND);
            }
        } catch (Exception e) {
            // the process ended
        }
    }
}
