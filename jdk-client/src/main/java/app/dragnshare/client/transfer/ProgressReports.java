package app.dragnshare.client.transfer;

import java.util.function.LongSupplier;

import app.dragnshare.client.api.ApiException;
import app.dragnshare.client.api.Membership;
import app.dragnshare.client.api.ServerApi;
import app.dragnshare.client.api.UnreachableException;

/**
 * Tells the sharer how far this receiver has verified (PROTOCOL.md §5.6), twice a second at
 * most and only when it moved, from a thread of its own so the download never waits for it.
 */
final class ProgressReports implements AutoCloseable {
    private static final long EVERY_MILLIS = 500;

    private final ServerApi api;
    private final Membership me;
    private volatile String transferId;
    private volatile LongSupplier verified;
    private Thread thread;

    ProgressReports(ServerApi api, Membership me) {
        this.api = api;
        this.me = me;
    }

    /** Starts reporting {@code verified} for {@code transferId}. */
    void follow(String transferId, LongSupplier verified) {
        this.transferId = transferId;
        this.verified = verified;
        if (thread == null) {
            thread = Thread.ofVirtual().name("progress-reports").start(this::run);
        }
    }

    private void run() {
        long reported = -1;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(EVERY_MILLIS);
                long now = verified.getAsLong();
                if (now != reported) {
                    api.report(me, transferId, now, null, null);
                    reported = now;
                }
            }
        } catch (InterruptedException e) {
            // the attempt ended
        } catch (ApiException | UnreachableException e) {
            // progress is for display only: the download goes on without it
        }
    }

    @Override
    public void close() {
        if (thread != null) {
            thread.interrupt();
        }
    }
}
