package app.dragnshare.server.relay;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Chunk bytes that need not cross Redis. When a download's stream and its sharer's socket are on
 * the same server instance, the sharer's side keeps each chunk here and pushes only its 4-byte
 * index through the transfer's Redis list. Credits, order, waits, liveness marks and every
 * failure path stay exactly those of a transfer between two instances; only the bytes skip the
 * two trips through loopback TCP into Redis and back, which were most of the server's CPU
 * (benchmarks/README.md, "Round 3").
 * <p>
 * A transfer's lane opens when its receiver claims the transfer id on this instance (ids are
 * claimed once in Redis, so no other instance can hold a lane for it) and closes when the
 * receiver's side ends. The bytes kept over all lanes are bounded; past the bound a chunk
 * crosses Redis whole, as between instances, and the receiver's side takes either kind.
 */
public final class SameInstanceChunks {
    /** What the sharer's side pushes instead of a kept chunk: its index alone (a chunk is never this short). */
    public static final int PLACEHOLDER_LENGTH = 4;

    private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
    private final AtomicLong kept = new AtomicLong();
    private final long budget;

    /** @param budget most bytes kept over all lanes; 0 sends every chunk through Redis */
    public SameInstanceChunks(long budget) {
        this.budget = budget;
    }

    /** A quarter of the heap: a full window (CHUNK_WINDOW_MAX) for several transfers, never the heap's margin. */
    public static SameInstanceChunks sizedFromHeap() {
        return new SameInstanceChunks(Runtime.getRuntime().maxMemory() / 4);
    }

    /** Bytes kept now over all lanes (for tests and metrics). */
    public long keptBytes() {
        return kept.get();
    }

    Lane open(String transferId) {
        Lane lane = new Lane();
        lanes.put(transferId, lane);
        return lane;
    }

    /** The lane of a transfer whose receiver is on this instance, or null. */
    Lane lane(String transferId) {
        return lanes.get(transferId);
    }

    void close(String transferId) {
        Lane lane = lanes.remove(transferId);
        if (lane != null) {
            lane.close();
        }
    }

    /** One transfer's kept chunks, by index; between the sharer's and the receiver's threads. */
    final class Lane {
        private final Map<Long, byte[]> chunks = new HashMap<>();
        private boolean closed;

        /** Keeps a chunk element ({@code index || ciphertext}); false when it must cross Redis. */
        synchronized boolean keep(long index, byte[] element) {
            if (closed || kept.addAndGet(element.length) > budget) {
                if (!closed) {
                    kept.addAndGet(-element.length);
                }
                return false;
            }
            byte[] old = chunks.put(index, element);
            if (old != null) {
                kept.addAndGet(-old.length); // cannot happen: the socket accepts each index once
            }
            return true;
        }

        /** The kept element for {@code index}, removed; null if none was kept. */
        synchronized byte[] take(long index) {
            byte[] element = chunks.remove(index);
            if (element != null) {
                kept.addAndGet(-element.length);
            }
            return element;
        }

        /** Drops what is kept (the queue was dropped, or Redis dropped the placeholders). */
        synchronized void clear() {
            for (byte[] element : chunks.values()) {
                kept.addAndGet(-element.length);
            }
            chunks.clear();
        }

        private synchronized void close() {
            clear();
            closed = true;
        }
    }
}
