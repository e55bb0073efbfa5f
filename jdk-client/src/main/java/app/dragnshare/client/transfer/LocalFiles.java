package app.dragnshare.client.transfer;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What {@code send FILE|DIR...} shares: each named file under its own name, and every regular
 * file below each named folder under its path relative to the folder's parent
 * ({@code send photos} shares {@code photos/2024/a.jpg}). Symbolic links inside a folder are not
 * followed (a link could lead anywhere: to files the person never meant to share); they are
 * counted so the person hears about them, as are sockets and other special files. Empty folders
 * have nothing to share. Every component is made safe as a receiver would make it, so the
 * server never refuses a name this client could have fixed.
 */
public final class LocalFiles {
    /** A file to share: where it is, the name it is shared under and its size. */
    public record Entry(Path path, String name, long size) {
    }

    /**
     * The files found, in name order, what was passed over, and how many names had bytes this JVM
     * could not read as characters (they are shared with {@code _} in their place).
     */
    public record Found(List<Entry> files, int links, int special, int renamed) {
    }

    private LocalFiles() {
    }

    /** Collects the operands; a named file or folder that cannot be read is an IOException that names it. */
    public static Found collect(List<Path> operands) throws IOException {
        List<Entry> files = new ArrayList<>();
        int[] skipped = new int[3]; // links, special files, names with unreadable bytes
        for (Path operand : operands) {
            // an operand is followed if it is a link: the person named it
            if (Files.isRegularFile(operand)) {
                if (!Files.isReadable(operand)) {
                    throw new IOException("cannot read " + operand + ": permission denied");
                }
                files.add(new Entry(operand, safe(nameOf(operand), skipped), Files.size(operand)));
            } else if (Files.isDirectory(operand)) {
                walk(operand, files, skipped);
            } else {
                throw new IOException("cannot read " + operand + ": not a readable file or folder");
            }
        }
        files.sort(Comparator.comparing(Entry::name));
        return new Found(List.copyOf(files), skipped[0], skipped[1], skipped[2]);
    }

    private static void walk(Path folder, List<Entry> files, int[] skipped) throws IOException {
        String root = safe(nameOf(folder), new int[3]); // counted with each file below it
        Files.walkFileTree(folder, new SimpleFileVisitor<>() { // no FOLLOW_LINKS: links are seen as links
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                if (attributes.isSymbolicLink()) {
                    skipped[0]++;
                } else if (!attributes.isRegularFile()) {
                    skipped[1]++;
                } else {
                    if (!Files.isReadable(file)) {
                        throw new IOException("cannot read " + file + ": permission denied");
                    }
                    StringBuilder name = new StringBuilder(root);
                    boolean unreadable = unreadable(nameOf(folder));
                    for (Path component : folder.relativize(file)) {
                        unreadable |= unreadable(component.toString());
                        name.append('/').append(SafeFileName.of(component.toString()));
                    }
                    if (unreadable) {
                        skipped[2]++;
                    }
                    files.add(new Entry(file, name.toString(), attributes.size()));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                throw new IOException("cannot read " + file + ": " + (e instanceof java.nio.file.AccessDeniedException
                        ? "permission denied" : e.getMessage()), e);
            }
        });
    }

    /** {@code name} made safe; counted in {@code skipped[2]} if it had bytes this JVM could not read. */
    private static String safe(String name, int[] skipped) {
        if (unreadable(name)) {
            skipped[2]++;
        }
        return SafeFileName.of(name);
    }

    /** Java reads a file name byte it cannot decode (a letter beyond ASCII under the POSIX locale) as U+FFFD. */
    private static boolean unreadable(String name) {
        return name.indexOf('\uFFFD') >= 0;
    }

    /** The last component of a path as the person sees it ("." is the current folder's name). */
    private static String nameOf(Path path) {
        Path name = path.toAbsolutePath().normalize().getFileName();
        return name == null ? "files" : name.toString();
    }
}
