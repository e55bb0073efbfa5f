package app.dragnshare.benchmarks.harness;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Where a harness run keeps its generated files, received copies and logs. A temporary one is
 * deleted when the run succeeds and kept (and named) when it fails, for the logs; one the user
 * named with --dir is left alone.
 */
public final class WorkDir implements AutoCloseable {
    private final Path path;
    private final boolean temporary;
    private final PrintStream out;
    private boolean succeeded;

    private WorkDir(Path path, boolean temporary, PrintStream out) {
        this.path = path;
        this.temporary = temporary;
        this.out = out;
    }

    public static WorkDir create(String given, String prefix, PrintStream out) throws IOException {
        if (given != null) {
            return new WorkDir(Files.createDirectories(Path.of(given)), false, out);
        }
        return new WorkDir(Files.createTempDirectory(prefix), true, out);
    }

    public Path path() {
        return path;
    }

    public Path resolve(String name) {
        return path.resolve(name);
    }

    public void succeeded() {
        succeeded = true;
    }

    @Override
    public void close() throws IOException {
        if (!temporary) {
            return;
        }
        if (!succeeded) {
            out.println("kept " + path + " for its logs (server.log, server-gc.log, *.err)");
            return;
        }
        try (Stream<Path> files = Files.walk(path)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
