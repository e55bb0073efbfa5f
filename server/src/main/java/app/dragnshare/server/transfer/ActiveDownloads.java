package app.dragnshare.server.transfer;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The download streams running on this instance, so a stopping server can end them cleanly. */
public final class ActiveDownloads {
    private final Set<DownloadStream> streams = ConcurrentHashMap.newKeySet();
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

    public int count() {
        return streams.size();
    }

    public boolean stopping() {
        return stopping;
    }

    /** New downloads are refused; running ones end with "shutting-down" at their next wake-up. */
    public void stopAll() {
        stopping = true;
        streams.forEach(DownloadStream::stop);
    }
}
