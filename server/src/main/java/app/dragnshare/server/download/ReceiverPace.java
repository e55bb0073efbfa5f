package app.dragnshare.server.download;

/**
 * How far a paced download (PROTOCOL.md §7, {@code "pace": true}) may run ahead of what its
 * receiver has verified: the stream writes chunk {@code i} only while fewer than {@link #window()}
 * chunks are written and not yet acknowledged.
 * <p>
 * Why: unpaced, the server writes as fast as the socket takes it, and when the receiver is the
 * slower end (it decrypts and writes to disk) the kernel's buffers on both ends fill — 4 to 27 MB
 * measured on loopback ({@code ss -tmn}), all of it lost when the connection drops or the receiver
 * is killed, so a resumed download fetched it again (7 to 17 chunks per interruption). Paced, at
 * most the window is on its way.
 * <p>
 * The window is what the path holds plus the chunk being verified: {@code round(rate × baseDelay)
 * + 1}, where {@code baseDelay} is the shortest time seen from a chunk's write to its
 * acknowledgement (the round trip and one chunk's processing, nothing queued) and {@code rate} the
 * most chunks acknowledged per second in one of the last eight rounds (a round: until every chunk
 * written when it began, and at least eight, are acknowledged; one round's rate depends on the
 * window of the round before, so the maximum, as BBR keeps its bandwidth). On loopback the
 * receiver's processing is most of {@code baseDelay}, {@code rate × baseDelay} is about 1.1, and the
 * window is 2: the chunk being verified and the next on its way. At first the window doubles each
 * round in which the stream waited for room and no chunk waited in a queue (the round's shortest
 * delay within a quarter of {@code baseDelay}), as TCP's slow start does; the first round that
 * saw a queue ends that. Across a 50 ms round trip it settles at what the link holds, about thirty
 * chunks (a per-chunk TCP Vegas estimate, tried first, stopped at about six: a window's chunks
 * arrive together and the last of them waits behind the others). Not thread-safe: the stream's
 * thread owns it.
 */
final class ReceiverPace {
    /** The smallest window: the chunk the receiver verifies, and the next on its way. */
    static final int MIN = 2;
    /** The fewest chunks a round covers: fewer make a noisy rate. */
    private static final int ROUND_MIN = 8;

    private final int max;
    private final long[] writtenAt;
    private int window = MIN;
    /** Chunks 0 … verified-1 are verified (a resumed download's earlier ones included). */
    private long verified;
    private long baseDelay = Long.MAX_VALUE;
    /** The round ends when this many chunks are acknowledged. */
    private long roundEnd;
    private long roundStartCount;
    private long roundStartNanos;
    private boolean roundWaited;
    /** The shortest delay in this round. */
    private long roundMin = Long.MAX_VALUE;
    private boolean slowStart = true;
    private final double[] roundRates = new double[8];
    private int rounds;

    /** {@code start}: the first chunk of the download (all before it are the receiver's already). */
    ReceiverPace(long start, int max) {
        this.max = Math.max(MIN, max);
        this.writtenAt = new long[this.max];
        this.verified = start;
        this.roundEnd = start + ROUND_MIN;
        this.roundStartCount = start;
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
        if (index == roundStartCount && roundStartNanos == 0) {
            roundStartNanos = nanos; // the first round starts with the first write
        }
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
        baseDelay = Math.min(baseDelay, delay);
        roundMin = Math.min(roundMin, delay);
        roundWaited |= waited;
        if (n < roundEnd) {
            return;
        }
        double rate = (n - roundStartCount) * 1e9 / Math.max(1, nanos - roundStartNanos);
        roundRates[rounds++ % roundRates.length] = rate;
        double mostRate = 0;
        for (double r : roundRates) {
            mostRate = Math.max(mostRate, r);
        }
        if (rounds == 1) {
            // no decision on the first round: its shortest delay is the base itself, so it would always look unqueued
        } else if (slowStart && roundWaited && roundMin <= baseDelay + baseDelay / 4) {
            window = Math.min(max, 2 * window); // nothing queued anywhere: the window, not the receiver, was the limit
        } else {
            slowStart = false;
            window = Math.max(MIN, Math.min(max, (int) Math.round(mostRate * baseDelay / 1e9) + 1));
        }
        roundEnd = Math.max(written, n + ROUND_MIN);
        roundStartCount = n;
        roundStartNanos = nanos;
        roundWaited = false;
        roundMin = Long.MAX_VALUE;
    }
}
