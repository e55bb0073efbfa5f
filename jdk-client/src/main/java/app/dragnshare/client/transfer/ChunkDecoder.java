package app.dragnshare.client.transfer;

import java.util.Base64;

/**
 * Turns a chunk event's base64 into ciphertext, in buffers kept for the whole download. The
 * JDK's decoder, vectorised by the JIT, decodes only whole arrays, so the line goes through it
 * in 4 KiB pieces copied into a small reused array: measured faster than
 * {@code decode(ByteBuffer)}, which allocates every chunk's result, and than decoding by hand
 * (benchmarks/README.md). Many short calls also get the decoder compiled within the first
 * chunks, without a warm-up: on a fresh JVM, 1 GiB of chunks decoded in 4.9 s as one call per
 * chunk (the JIT never got there) and in 55–62 ms of CPU in pieces. Not thread-safe: one per download.
 */
public final class ChunkDecoder {
    private static final Base64.Decoder BASE64 = Base64.getDecoder();
    /** Characters per piece; a multiple of 4, so only the last piece may end in padding. */
    private static final int PIECE = 4096;

    private final byte[] piece = new byte[PIECE];
    private final byte[] decoded = new byte[PIECE / 4 * 3];
    private byte[] tail = new byte[0];

    /**
     * Decodes {@code length} bytes of base64 at {@code offset} of {@code source} into the start
     * of {@code into}; returns the decoded length.
     *
     * @throws IllegalArgumentException if it is not base64 (padding only at its end) or does not fit
     */
    public int decode(byte[] source, int offset, int length, byte[] into) {
        int written = 0;
        int end = offset + length;
        int at = offset;
        for (; end - at > PIECE; at += PIECE) {
            System.arraycopy(source, at, piece, 0, PIECE);
            if (BASE64.decode(piece, decoded) != decoded.length) {
                throw new IllegalArgumentException("padding inside the data");
            }
            fits(written + decoded.length, into);
            System.arraycopy(decoded, 0, into, written, decoded.length);
            written += decoded.length;
        }
        if (tail.length != end - at) {
            tail = new byte[end - at]; // once per download, and once more for a shorter last chunk
        }
        System.arraycopy(source, at, tail, 0, tail.length);
        int n = BASE64.decode(tail, decoded);
        fits(written + n, into);
        System.arraycopy(decoded, 0, into, written, n);
        return written + n;
    }

    private static void fits(int length, byte[] into) {
        if (length > into.length) {
            throw new IllegalArgumentException("longer than " + into.length + " bytes");
        }
    }
}
