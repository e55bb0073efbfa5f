package app.dragnshare.benchmarks.harness;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import app.dragnshare.benchmarks.CryptoPrimedCli;

/**
 * The real jdk-client, run as a user runs it: {@code java -jar jdk-client.jar send --once FILE}
 * and {@code java -jar jdk-client.jar receive LINK --out DIR}, each its own JVM.
 */
public final class CliProcesses {
    private static final Duration LINK_LIMIT = Duration.ofSeconds(60);

    private CliProcesses() {
    }

    /** A running {@code send --once}: its process and the invite link it printed. */
    public record Sending(Process process, String link, Path stderr) {
        public String stderrText() throws IOException {
            return Files.readString(stderr);
        }
    }

    /** Starts {@code send --once FILE} and waits for the link on its first stdout line. */
    public static Sending send(ProjectJars jars, URI server, Path file, Launch launch, Path dir, String tag)
            throws IOException, InterruptedException {
        Path stderr = dir.resolve("send-" + tag + ".err");
        List<String> command = command(jars, launch);
        command.addAll(List.of("send", "--server", server.toString(), "--once", file.toString()));
        Process process = ChildProcesses.register(new ProcessBuilder(command).redirectError(stderr.toFile()).start());
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
            link = firstLine.get(LINK_LIMIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            link = null;
        }
        if (link == null) {
            ChildProcesses.stop(process, Duration.ZERO);
            throw new IllegalStateException("send printed no invite link within " + LINK_LIMIT.toSeconds() + " s; stderr:\n"
                    + Files.readString(stderr));
        }
        return new Sending(process, link, stderr);
    }

    /** Starts {@code receive LINK --out DIR}; stdout (the saved path) and stderr go to files in {@code dir}. */
    public static Process receive(ProjectJars jars, String link, Path out, Launch launch, Path dir, String tag)
            throws IOException {
        return receive(jars, link, out, launch, dir, tag, List.of());
    }

    /** As above, for only the files called {@code names} (all when empty). */
    public static Process receive(ProjectJars jars, String link, Path out, Launch launch, Path dir, String tag,
                                  List<String> names) throws IOException {
        List<String> command = command(jars, launch);
        command.addAll(List.of("receive", link, "--out", out.toString()));
        command.addAll(names);
        return ChildProcesses.register(new ProcessBuilder(command)
                .redirectOutput(dir.resolve("receive-" + tag + ".out").toFile())
                .redirectError(dir.resolve("receive-" + tag + ".err").toFile())
                .start());
    }

    /**
     * How to start one CLI process.
     *
     * @param jvmOptions   options before {@code -jar} (flight recordings, JIT flags to try)
     * @param primedCrypto run the CLI's Main behind {@link CryptoPrimedCli} (an experiment) instead of {@code -jar}
     */
    public record Launch(List<String> jvmOptions, boolean primedCrypto) {
    }

    private static List<String> command(ProjectJars jars, Launch launch) {
        List<String> command = new ArrayList<>(List.of(ProjectJars.java()));
        command.addAll(launch.jvmOptions());
        if (launch.primedCrypto()) {
            command.addAll(List.of("-cp", jars.client() + File.pathSeparator + System.getProperty("java.class.path"),
                    CryptoPrimedCli.class.getName()));
        } else {
            command.addAll(List.of("-jar", jars.client().toString()));
        }
        return command;
    }
}
