package app.dragnshare.server.download;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * The instance's {@link ChunkEventEncoder}s, lent for one chunk event at a time. An encoder holds
 * about 2.4 × a chunk (ciphertext copy and base64); kept per stream, 50 streams at 256 KiB would
 * keep 30 MiB alive in a 128 MiB heap while most of them wait for Redis. A few kept here serve
 * every stream (only those writing at this instant need one); when all are lent, a fresh one is
 * made and, on return, kept only if there is room.
 */
final class ChunkEventEncoders {
    private final BlockingQueue<ChunkEventEncoder> idle;

    ChunkEventEncoders(int kept) {
        this.idle = new ArrayBlockingQueue<>(kept);
    }

    /** As many as the cores that can write at once, and a few blocked in a write. */
    static ChunkEventEncoders forThisMachine() {
        return new ChunkEventEncoders(2 * Runtime.getRuntime().availableProcessors() + 2);
    }

    ChunkEventEncoder borrow() {
        ChunkEventEncoder encoder = idle.poll();
        return encoder == null ? new ChunkEventEncoder() : encoder;
    }

    void giveBack(ChunkEventEncoder encoder) {
        idle.offer(encoder);
    }
}
