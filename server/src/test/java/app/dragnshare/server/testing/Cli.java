package app.dragnshare.server.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real jdk-client jar (built by the reactor before this module) as its own process, as
 * a user would.
 */
public final class Cli {
    public static final Path JAR = Path.of("..", "jdk-client", "target", "jdk-client.jar").toAbsolutePath().normalize();
    private static final String JAVA = ProcessHandle.current().info().command().orElse("java");

    private Cli() {
    }

    /** A finished command: exit code, stdout and stderr. */
    public record Result(int exitCode, String stdout, String stderr) {
    }

    /** A running {@code send}: its invite link and the process. */
    public record Sending(Process process, String link, Path stderr) implements AutoCloseable {
        public int awaitExit(long seconds) throws Exception {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                fail("send did not exit within " + seconds + " s; stderr:\n" + Files.readString(stderr));
            }
            return process.exitValue();
        }

        public String stderrText() throws IOException {
            return Files.readString(stderr);
        }

        @Override
        public void close() {
            process.destroy();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process.destroyForcibly();
        }
    }

    public static Result run(long timeoutSeconds, String... args) throws Exception {
        return run(timeoutSeconds, java.util.Map.of(), args);
    }

    /** As {@link #run(long, String...)}, with {@code environment} added to the process's. */
    public static Result run(long timeoutSeconds, java.util.Map<String, String> environment, String... args) throws Exception {
        ProcessBuilder builder = start(args).redirectErrorStream(false);
        builder.environment().putAll(environment);
        Process process = builder.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("jdk-client " + String.join(" ", args) + " did not finish within " + timeoutSeconds
                    + " s; stderr so far:\n" + err.getNow(""));
        }
        return new Result(process.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS));
    }

    /** A command running in the background, its output going to files. */
    public record Running(Process process, Path stdout, Path stderr) implements AutoCloseable {
        public Result await(long seconds) throws Exception {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail("the command did not finish within " + seconds + " s; stderr:\n" + Files.readString(stderr));
            }
            return new Result(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
        }

        /** Ends it as a crash or `kill -9` would: no clean-up of its own runs. */
        public void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws InterruptedException {
            kill();
        }
    }

    /** Starts a command without waiting for it. */
    public static Running background(String... args) throws Exception {
        Path stdout = Files.createTempFile("dns-cli-", ".out");
        Path stderr = Files.createTempFile("dns-cli-", ".err");
        Process process = start(args).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        return new Running(process, stdout, stderr);
    }

    /** Starts {@code send} and waits for the invite link on its first stdout line. */
    public static Sending send(String... args) throws Exception {
        return send(java.util.Map.of(), args);
    }

    /** As {@link #send(String...)}, with {@code environment} added to the process's. */
    public static Sending send(java.util.Map<String, String> environment, String... args) throws Exception {
        Path stderr = Files.createTempFile("dns-send-", ".err");
        List<String> command = new ArrayList<>(List.of("send"));
        command.addAll(List.of(args));
        ProcessBuilder builder = start(command.toArray(String[]::new)).redirectError(stderr.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        BufferedReader stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
            try {
                return stdout.readLine();
            } catch (IOException e) {
                return null;
            }
        });
        String link;
        try {
            link = firstLine.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new AssertionError("send printed no link; stderr:\n" + Files.readString(stderr), e);
        }
        if (link == null) {
            process.waitFor(10, TimeUnit.SECONDS);
            fail("send exited without a link (exit " + process.exitValue() + "); stderr:\n" + Files.readString(stderr));
        }
        return new Sending(process, link, stderr);
    }

    private static ProcessBuilder start(String... args) {
        assertTrue(Files.isRegularFile(JAR), "the client jar " + JAR + " is missing: run `./mvnw verify` from the "
                + "project's top folder, which builds jdk-client before the server's tests");
        List<String> command = new ArrayList<>(List.of(JAVA, "-jar", JAR.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
