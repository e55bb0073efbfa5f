package app.dragnshare.server.relay;

/**
 * How many chunks of one transfer may be on their way at once (the credits in circulation), sized
 * from the link. The window starts at CHUNK_QUEUE_DEPTH. When the receiver's side finds the queue
 * empty, it is waiting for the sharer: on a long link that is the window's fault (one window per
 * round trip, e.g. 8 × 256 KiB per 50 ms = 42 MB/s), so the window grows by one chunk, about
 * doubling per round trip. When chunks pile up instead (the receiver is the slow end), it shrinks
 * back towards the start, so Redis holds no more than that end needs. It never passes
 * CHUNK_WINDOW_MAX bytes: that bounds the Redis memory a transfer can take.
 */
public final class CreditWindow {
    private final int initial;
    private final int max;
    private int size;

    /**
     * @param initial      CHUNK_QUEUE_DEPTH, the window at the start and the least it shrinks to
     * @param maxBytes     CHUNK_WINDOW_MAX
     * @param elementBytes bytes one chunk takes in Redis
     */
    public CreditWindow(int initial, long maxBytes, long elementBytes) {
        this.initial = initial;
        this.max = (int) Math.max(initial, Math.min(Integer.MAX_VALUE, maxBytes / Math.max(1, elementBytes)));
        this.size = initial;
    }

    public int size() {
        return size;
    }

    public int max() {
        return max;
    }

    /**
     * The receiver's side took a chunk; returns the credits to hand back for it: 1 to keep the
     * window, 2 to grow it, 0 to shrink it.
     *
     * @param queueWasEmpty the side had to wait for this chunk (nothing was queued when it asked)
     * @param waiting       chunks still queued behind this one (-1 if unknown)
     */
    public int taken(boolean queueWasEmpty, long waiting) {
        if (queueWasEmpty && size < max) {
            size++;
            return 2;
        }
        if (!queueWasEmpty && waiting >= size / 2 && size > initial) {
            size--;
            return 0;
        }
        return 1;
    }
}
