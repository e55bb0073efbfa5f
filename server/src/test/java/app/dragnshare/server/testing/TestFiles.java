package app.dragnshare.server.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Test files of random bytes (seeded, so a failure can be repeated). */
public final class TestFiles {
    private TestFiles() {
    }

    public static Path random(Path folder, String name, long size, long seed) throws IOException {
        Path file = folder.resolve(name);
        Random random = new Random(seed);
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; ) {
                random.nextBytes(block);
                int n = (int) Math.min(block.length, left);
                out.write(block, 0, n);
                left -= n;
            }
        }
        return file;
    }

    /** A large file of zeros, made instantly (sparse where the file system allows). */
    public static Path zeros(Path folder, String name, long size) throws IOException {
        Path file = folder.resolve(name);
        try (java.io.RandomAccessFile raf = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(size);
        }
        return file;
    }

    /** Waits until a download into {@code folder} has written at least {@code bytes} to its temporary file. */
    public static void awaitPartialDownload(Path folder, long bytes) throws Exception {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.isDirectory(folder)) {
                try (var listing = Files.list(folder)) {
                    if (listing.anyMatch(p -> p.getFileName().toString().endsWith(".part") && sizeOf(p) >= bytes)) {
                        return;
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no download into " + folder + " reached " + bytes + " bytes");
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException gone) {
            return 0;
        }
    }

    /** True when both files have the same bytes. */
    public static boolean sameBytes(Path a, Path b) throws IOException {
        return Files.mismatch(a, b) == -1;
    }
}
