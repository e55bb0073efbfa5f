package app.dragnshare.client.transfer;

import java.util.Base64;

/**
 * Turns a chunk event's base64 into ciphertext, in buffers kept for the whole download. The
 * JDK's decoder, vectorised by the JIT, decodes only whole arrays; copying the line into a
 * reused array of its exact length and decoding that measured fastest (benchmarks/README.md:
 * faster than {@code decode(ByteBuffer)}, which allocates every chunk's result, and than
 * decoding by hand from the receive buffer). Not thread-safe: one per download.
 */
public final class ChunkDecoder {
    private static final Base64.Decoder BASE64 = Base64.getDecoder();

    private byte[] text = new byte[0];

    /**
     * Decodes {@code length} bytes of base64 at {@code offset} of {@code source} into the start
     * of {@code into}; returns the decoded length.
     *
     * @throws IllegalArgumentException if it is not base64 or does not fit
     */
    public int decode(byte[] source, int offset, int length, byte[] into) {
        if (text.length != length) {
            text = new byte[length]; // once per download, and once more for a shorter last chunk
        }
        System.arraycopy(source, offset, text, 0, length);
        return BASE64.decode(text, into);
    }

    /**
     * Gets the decoder's vectorised path compiled before chunks arrive. The JIT uses it only from
     * compiled callers, and a download calls it once per chunk, too rarely to get there in a
     * short-lived CLI: measured on a fresh JVM, 1 GiB of chunks decoded in 4.9 s without this
     * and in 0.09 s after it (the warm-up: tens of milliseconds of one core, in the background).
     */
    public static Thread warmUpInBackground() {
        return Thread.ofPlatform().daemon().name("base64-warm-up").start(() -> {
            // every padding a chunk can end with ("", "=", "=="), or the JIT compiles a path that
            // leaves its fast code at the first real chunk and does not come back for thousands more
            byte[][] texts = {Base64.getEncoder().encode(new byte[96]), Base64.getEncoder().encode(new byte[97]),
                    Base64.getEncoder().encode(new byte[98])};
            byte[] into = new byte[98];
            ChunkDecoder decoder = new ChunkDecoder();
            for (int i = 0; i < 30_000; i++) {
                byte[] text = texts[i % 3];
                decoder.decode(text, 0, text.length, into);
            }
        });
    }
}
