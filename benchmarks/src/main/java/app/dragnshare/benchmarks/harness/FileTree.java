package app.dragnshare.benchmarks.harness;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A generated folder of many files (pseudo-random bytes, seeded), and the checks that a copy of
 * it, received as folders or as a zip, is the same tree byte for byte.
 *
 * @param root  the folder, whose own name is the first part of every shared path
 * @param files relative path ("Tree/folder 03/file 0042.bin") → size
 */
public record FileTree(Path root, Map<String, Long> files) {

    /** {@code count} files of {@code size} bytes spread over {@code folders} folders below {@code root}. */
    public static FileTree create(Path root, int count, long size, int folders, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Long> files = new TreeMap<>();
        byte[] bytes = new byte[(int) size];
        for (int i = 0; i < count; i++) {
            String relative = String.format(java.util.Locale.ROOT, "folder %02d/file %04d.bin", i % folders, i);
            Path file = root.resolve(relative);
            Files.createDirectories(file.getParent());
            for (int b = 0; b < bytes.length; b++) {
                bytes[b] = (byte) random.nextInt();
            }
            Files.write(file, bytes);
            files.put(root.getFileName() + "/" + relative, size);
        }
        return new FileTree(root, files);
    }

    public long bytes() {
        return files.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Throws unless {@code copy} holds exactly this tree (its files, and nothing else) below its own top folder. */
    public void checkFolder(Path copy) throws IOException {
        Map<String, Long> found = new TreeMap<>();
        try (Stream<Path> all = Files.walk(copy)) {
            for (Path file : all.filter(Files::isRegularFile).toList()) {
                String name = String.join("/", Stream.of(copy.relativize(file).toString().split("/")).toList());
                found.put(name, Files.size(file));
                if (!files.containsKey(name) || !Arrays.equals(Files.readAllBytes(file), Files.readAllBytes(source(name)))) {
                    throw new IllegalStateException("the received " + name + " is not in the tree or differs");
                }
            }
        }
        if (!found.keySet().equals(files.keySet())) {
            throw new IllegalStateException("received " + found.size() + " of " + files.size() + " files");
        }
    }

    /** Throws unless {@code zip} passes {@code unzip -t} and holds exactly this tree, stored, byte for byte. */
    public void checkZip(Path zip) throws IOException, InterruptedException {
        Process test = new ProcessBuilder("unzip", "-tq", zip.toString()).redirectErrorStream(true).start();
        String said = new String(test.getInputStream().readAllBytes());
        if (!test.waitFor(300, TimeUnit.SECONDS) || test.exitValue() != 0) {
            throw new IllegalStateException("unzip -t " + zip + " failed: " + said);
        }
        Map<String, Long> found = new TreeMap<>();
        try (ZipFile file = new ZipFile(zip.toFile())) {
            for (Enumeration<? extends ZipEntry> entries = file.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                if (entry.getMethod() != ZipEntry.STORED || !files.containsKey(entry.getName())) {
                    throw new IllegalStateException("unexpected zip entry " + entry.getName() + " (method " + entry.getMethod() + ")");
                }
                found.put(entry.getName(), entry.getSize());
                try (InputStream in = file.getInputStream(entry); InputStream original = Files.newInputStream(source(entry.getName()))) {
                    if (!sameStream(in, original)) {
                        throw new IllegalStateException("the zip's " + entry.getName() + " differs");
                    }
                }
            }
        }
        if (!found.equals(files)) {
            throw new IllegalStateException("the zip holds " + found.size() + " of " + files.size() + " files");
        }
    }

    private Path source(String name) {
        return root.getParent().resolve(name);
    }

    private static boolean sameStream(InputStream a, InputStream b) throws IOException {
        byte[] x = new byte[1 << 20];
        byte[] y = new byte[1 << 20];
        while (true) {
            int n = a.readNBytes(x, 0, x.length);
            int m = b.readNBytes(y, 0, y.length);
            if (n != m || !Arrays.equals(x, 0, n, y, 0, m)) {
                return false;
            }
            if (n == 0) {
                return true;
            }
        }
    }

    /** The shared paths, for messages. */
    public List<String> names() {
        return List.copyOf(files.keySet());
    }
}
