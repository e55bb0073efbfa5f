package app.dragnshare.server.sharer;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one member socket may send on to Redis of its {@code ack} messages (PROTOCOL.md §6.2)
 * whose paced stream runs on another instance: only a count that rose for its transfer, and at
 * most {@link #PER_SECOND} a second. Each costs a Redis script, where an unknown offer or cancel
 * costs a map lookup; acknowledgements of made-up transfers must not cost more than a real
 * receiver's (one a chunk: about 1,000 a second at 250 MB/s, 4,000 with 64 KiB chunks). Pacing is
 * best-effort: a dropped acknowledgement only holds a stream until the next one, or its recheck.
 * Used by the socket's one reader thread.
 */
final class AckForwarding {
    static final int PER_SECOND = 4_096;
    private static final int REMEMBERED = 16;

    private final Map<String, Long> highest = new LinkedHashMap<>(REMEMBERED, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > REMEMBERED;
        }
    };
    private long secondStart;
    private int sentThisSecond;

    /** Whether {@code verified} for {@code transferId} goes on to Redis now. */
    boolean admits(String transferId, long verified, long nanos) {
        Long before = highest.get(transferId);
        if (before != null && verified <= before) {
            return false;
        }
        if (nanos - secondStart > 1_000_000_000L) {
            secondStart = nanos;
            sentThisSecond = 0;
        }
        if (sentThisSecond >= PER_SECOND) {
            return false;
        }
        sentThisSecond++;
        highest.put(transferId, verified);
        return true;
    }
}
