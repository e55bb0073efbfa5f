package app.dragnshare.server.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import app.dragnshare.server.testing.Cli;

/**
 * Both jars started by a Java older than 21 (the oldest JDK on this machine) end in one line that
 * names the Java found and asks for 21+, and a non-zero exit, instead of a stack trace.
 */
class OldJavaTest {
    private static final Path JVMS = Path.of("/usr/lib/jvm");

    @Test
    void theClientJarSaysWhichJavaItFoundAndThatItNeeds21() throws Exception {
        Run run = run(oldJava(), "-jar", Cli.JAR.toString(), "send", "nothing.txt");
        assertEquals(1, run.exit, run.output);
        assertOneLineNaming(run.output, "drag-n-share needs Java 21 or newer, but this is Java ");
    }

    @Test
    void theServersEntryPointSaysWhichJavaItFoundAndThatItNeeds21() throws Exception {
        // the server's jar is packaged after its tests: run its entry point from the compiled classes, as the jar's manifest names it
        Run run = run(oldJava(), "-cp", Path.of("target", "classes").toAbsolutePath().toString(), Launcher.class.getName());
        assertEquals(1, run.exit, run.output);
        assertOneLineNaming(run.output, "Drag-n-Share needs Java 21 or newer, but this is Java ");
    }

    /**
     * {@code ./mvnw} under the old Java stops before Maven starts, with one line that names the
     * Java found and asks for 21+ (a plain {@code mvn} meets the same words in the root POM's
     * enforcer rule, among Maven's own "[ERROR]" lines). Offline and only {@code validate}: nothing
     * is built or installed.
     */
    @Test
    void theBuildSaysWhichJavaItFoundAndThatItNeeds21() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path javaHome = Path.of(oldJava()).toRealPath().getParent().getParent(); // as java.home names it
        ProcessBuilder mvnw = new ProcessBuilder(root.resolve("mvnw").toString(), "-B", "-ntp", "-q", "-o", "-N", "validate")
                .directory(root.toFile()).redirectErrorStream(true);
        mvnw.environment().put("JAVA_HOME", javaHome.toString());
        mvnw.environment().put("PATH", javaHome.resolve("bin") + java.io.File.pathSeparator + System.getenv("PATH"));
        mvnw.environment().remove("MAVEN_OPTS"); // a flag for Java 25 would stop Java 17 before Maven runs
        mvnw.environment().remove("MAVEN_ARGS");
        Process process = mvnw.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "./mvnw did not end");
        assertTrue(process.exitValue() != 0, output);
        String major = Integer.toString(Launcher.major(javaVersion(oldJava())));
        assertOneLineNaming(output, "Drag-n-Share builds with JDK 21 or newer, but found Java " + major + " (");
        assertTrue(output.contains(javaHome.toString()), "names the Java it found: " + output);
    }

    @Test
    void versionStringsOfEveryEraAreRead() {
        assertEquals(8, Launcher.major("1.8"));
        assertEquals(17, Launcher.major("17"));
        assertEquals(21, Launcher.major("21.0"));
        assertEquals(Integer.MAX_VALUE, Launcher.major("banana"));
    }

    private static void assertOneLineNaming(String output, String start) {
        List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
        assertEquals(1, lines.size(), "one line, not a stack trace: " + output);
        assertTrue(lines.get(0).startsWith(start), output);
        assertTrue(lines.get(0).contains("install a JDK 21+"), output);
    }

    private record Run(int exit, String output) {
    }

    private static Run run(String java, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the old java did not end");
        return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** java.specification.version of a {@code java} executable: "17", "1.8". */
    private static String javaVersion(String java) throws IOException, InterruptedException {
        Run run = run(java, "-XshowSettings:properties", "-version");
        return run.output.lines().filter(l -> l.trim().startsWith("java.specification.version ="))
                .map(l -> l.substring(l.indexOf('=') + 1).trim()).findFirst().orElse("");
    }

    /** The oldest JDK under /usr/lib/jvm that is older than 21 (Debian's default java here is 17). */
    private static String oldJava() throws IOException, InterruptedException {
        List<Path> javas;
        try (Stream<Path> dirs = Files.list(JVMS)) {
            javas = dirs.map(d -> d.resolve("bin").resolve("java")).filter(Files::isExecutable).toList();
        }
        Optional<Path> oldest = Optional.empty();
        int oldestMajor = Integer.MAX_VALUE;
        for (Path java : javas.stream().sorted(Comparator.naturalOrder()).toList()) {
            int major = Launcher.major(javaVersion(java.toString()));
            if (major < 21 && major < oldestMajor) {
                oldest = Optional.of(java);
                oldestMajor = major;
            }
        }
        return oldest.orElseThrow(() -> new AssertionError("this test needs a Java older than 21 under " + JVMS
                + " (apt-get install openjdk-17-jre-headless); found only " + javas)).toString();
    }
}
