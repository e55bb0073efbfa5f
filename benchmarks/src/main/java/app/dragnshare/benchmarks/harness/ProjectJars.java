package app.dragnshare.benchmarks.harness;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The already-built jars a harness runs: the server's thin jar (with target/libs beside it) and
 * the jdk-client jar. Found from the project's top folder, which is the working directory or one
 * of its parents (tests run in benchmarks/). The harness builds nothing.
 */
public record ProjectJars(Path server, Path client) {
    static final String SERVER_JAR = "server/target/drag-n-share-server.jar";
    static final String CLIENT_JAR = "jdk-client/target/jdk-client.jar";

    public static ProjectJars find() {
        Path start = Path.of("").toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(SERVER_JAR)) && Files.isRegularFile(dir.resolve(CLIENT_JAR))) {
                return new ProjectJars(dir.resolve(SERVER_JAR), dir.resolve(CLIENT_JAR));
            }
        }
        throw new IllegalStateException("no " + SERVER_JAR + " and " + CLIENT_JAR + " in " + start
                + " or its parents: build them first with `./mvnw -q package -DskipTests` in the project's top folder");
    }

    /** The java launcher of this JVM, so every process of a run uses the same JDK. */
    public static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }
}
