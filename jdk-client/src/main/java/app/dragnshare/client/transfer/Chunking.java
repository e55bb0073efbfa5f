package app.dragnshare.client.transfer;

/** How a file is cut into chunks; the same arithmetic on both sides and on the server. */
public final class Chunking {
    /** Plaintext bytes per chunk; 256 KiB, as PROTOCOL.md sets it. */
    public static final int DEFAULT_CHUNK_SIZE = 256 * 1024;

    private Chunking() {
    }

    /** At least one chunk, so even an empty file ends with an authenticated last chunk. */
    public static long chunks(long size, long chunkSize) {
        return Math.max(1, (size + chunkSize - 1) / chunkSize);
    }

    public static int plainLength(long size, long chunkSize, long index) {
        return (int) Math.min(chunkSize, size - index * chunkSize);
    }
}
