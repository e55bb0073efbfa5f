package app.dragnshare.server.download;

/**
 * How far a paced download (PROTOCOL.md §7, {@code "pace": true}) may run ahead of what its
 * receiver has verified: the stream writes chunk {@code i} only while fewer than {@link #window()}
 * chunks are written and not yet acknowledged.
 * <p>
 * Why: unpaced, the server writes as fast as the socket takes it, and when the receiver is the
 * slower end (it decrypts and writes to disk) the kernel's buffers on both ends fill — 4 to 27 MB
 * measured on loopback ({@code ss -tmn}), all of it lost when the connection drops or the receiver
 * is killed, so a resumed download fetched it again (7 to 15 chunks per interruption). Paced, at
 * most the window is on its way.
 * <p>
 * The window starts at {@link #MIN} — one chunk the receiver is working on, one arriving — and is
 * sized from the link the way TCP Vegas sizes its window: {@code minDelay} (the shortest time from a
 * chunk's write to its acknowledgement) is the path without queueing, so {@code window × (1 −
 * minDelay / delay)} chunks wait in some buffer. While less than half a chunk waits and the stream
 * had to wait for room, the link, not the receiver, is what limits: the window grows by one; when
 * more than one and a half wait, it shrinks by one. On loopback it stays at two; across a long
 * round trip it grows to what the link holds. Not thread-safe: the stream's thread owns it.
 */
final class ReceiverPace {
    /** The smallest window: the chunk the receiver verifies, and the next on its way. */
    static final int MIN = 2;

    private final int max;
    private final long[] writtenAt;
    private int window = MIN;
    /** Chunks 0 … verified-1 are verified (a resumed download's earlier ones included). */
    private long verified;
    private long minDelay = Long.MAX_VALUE;

    /** {@code start}: the first chunk of the download (all before it are the receiver's already). */
    ReceiverPace(long start, int max) {
        this.max = Math.max(MIN, max);
        this.writtenAt = new long[this.max];
        this.verified = start;
    }

    int window() {
        return window;
    }

    long verified() {
        return verified;
    }

    /** Whether chunk {@code next} may be written now. */
    boolean hasRoom(long next) {
        return next - verified < window;
    }

    /** Chunk {@code index} was written at {@code nanos}. */
    void written(long index, long nanos) {
        writtenAt[(int) (index % max)] = nanos;
    }

    /**
     * The receiver acknowledged chunks {@code 0 … count-1} at {@code nanos}; {@code written} chunks
     * have been written so far (a count beyond them is a receiver's mistake and is capped).
     * {@code waited}: the stream had no room while it waited for this acknowledgement.
     */
    void acknowledged(long count, long written, boolean waited, long nanos) {
        long n = Math.min(count, written);
        if (n <= verified) {
            return;
        }
        verified = n;
        long delay = Math.max(1, nanos - writtenAt[(int) ((n - 1) % max)]);
        boolean first = minDelay == Long.MAX_VALUE; // one sample is its own minimum: it says nothing about queueing
        minDelay = Math.min(minDelay, delay);
        double queued = window * (1.0 - (double) minDelay / delay);
        if (first) {
            return;
        }
        if (queued < 0.5 && waited && window < max) {
            window++;
        } else if (queued > 1.5 && window > MIN) {
            window--;
        }
    }
}
