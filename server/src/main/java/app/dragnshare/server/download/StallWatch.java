package app.dragnshare.server.download;

import java.time.Duration;

/**
 * Looks every few seconds for download streams whose receiver has taken no data for
 * STALL_TIMEOUT (a write blocked that long: the connection is open, nobody reads) and ends them,
 * so a frozen or vanished-but-connected receiver cannot hold a transfer forever. A slow but
 * reading receiver is not touched: its writes complete, however slowly.
 */
public final class StallWatch implements AutoCloseable {
    private final Thread watcher;

    public StallWatch(ActiveDownloads downloads, Duration stallTimeout) {
        long limit = stallTimeout.toNanos();
        Duration every = Duration.ofMillis(Math.max(250, Math.min(5_000, stallTimeout.toMillis() / 4)));
        this.watcher = Thread.ofVirtual().name("stall-watch").start(() -> {
            try {
                while (true) {
                    Thread.sleep(every);
                    downloads.abortStalledWrites(limit);
                }
            } catch (InterruptedException e) {
                // closed
            }
        });
    }

    @Override
    public void close() {
        watcher.interrupt();
    }
}
