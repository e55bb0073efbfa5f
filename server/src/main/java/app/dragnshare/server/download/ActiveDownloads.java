package app.dragnshare.server.download;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** The download streams running on this instance, so a stopping server can end them cleanly. */
public final class ActiveDownloads {
    private final Set<DownloadStream> streams = ConcurrentHashMap.newKeySet();
    /** Downloads admitted (from their first check to their end), so a burst cannot pass the limit between check and start. */
    private final AtomicInteger admitted = new AtomicInteger();
    private volatile boolean accepting = true;
    private volatile boolean stopping;

    void add(DownloadStream stream) {
        streams.add(stream);
        if (stopping) {
            stream.stop();
        }
    }

    void remove(DownloadStream stream) {
        streams.remove(stream);
    }

    /** Ends every stream whose receiver has taken no data for {@code limitNanos} (see DownloadStream). */
    public void abortStalledWrites(long limitNanos) {
        streams.forEach(stream -> stream.abortIfWriteStalled(limitNanos));
    }

    /** Admits one more download unless {@code limit} are under way; each admitted one must {@link #leave}. */
    boolean tryAdmit(int limit) {
        if (admitted.incrementAndGet() > limit) {
            admitted.decrementAndGet();
            return false;
        }
        return true;
    }

    void leave() {
        admitted.decrementAndGet();
    }

    public int count() {
        return streams.size();
    }

    public boolean accepting() {
        return accepting;
    }

    /** New downloads get 503 from now on; running ones go on. */
    public void refuseNew() {
        accepting = false;
    }

    /** Running downloads end with "shutting-down" at their next wake-up (within a chunk or a blocking pop). */
    public void stopAll() {
        accepting = false;
        stopping = true;
        streams.forEach(DownloadStream::stop);
    }
}
