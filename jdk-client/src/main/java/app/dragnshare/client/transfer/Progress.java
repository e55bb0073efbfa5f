package app.dragnshare.client.transfer;

/** Hears how a transfer advances, to draw a progress bar. */
public interface Progress {
    Progress NONE = new Progress() {
    };

    default void started(String name, long size) {
    }

    default void advanced(long bytes) {
    }

    default void finished(boolean complete) {
    }
}
