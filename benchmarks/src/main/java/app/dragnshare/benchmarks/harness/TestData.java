package app.dragnshare.benchmarks.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * A generated file and its SHA-256. Pseudo-random bytes: nothing on the path compresses, and a
 * received copy is checked against the hash byte for byte.
 */
public record TestData(Path path, long size, String sha256) {
    private static final int BUFFER = 1 << 20;

    public static TestData create(Path path, long size, long seed) throws IOException {
        MessageDigest digest = newDigest();
        SplittableRandom random = new SplittableRandom(seed);
        byte[] block = new byte[BUFFER];
        ByteBuffer longs = ByteBuffer.wrap(block);
        try (OutputStream out = Files.newOutputStream(path)) {
            for (long left = size; left > 0; ) {
                longs.clear();
                while (longs.hasRemaining()) {
                    longs.putLong(random.nextLong());
                }
                int n = (int) Math.min(left, BUFFER);
                digest.update(block, 0, n);
                out.write(block, 0, n);
                left -= n;
            }
        }
        return new TestData(path, size, HexFormat.of().formatHex(digest.digest()));
    }

    /** True when {@code copy} holds exactly these bytes. */
    public boolean sameAs(Path copy) throws IOException {
        return Files.size(copy) == size && sha256Of(copy).equals(sha256);
    }

    public static String sha256Of(Path file) throws IOException {
        MessageDigest digest = newDigest();
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
