package app.dragnshare.client.transfer;

/** Hears how a transfer advances, to draw a progress bar. */
public interface Progress {
    Progress NONE = new Progress() {
    };

    /** The first offer of a download verified; {@code done} bytes were verified before (a resumed part). */
    default void started(String name, long size, long done) {
    }

    default void advanced(long bytes) {
    }

    /** The download stopped for a while; {@code why} is one sentence for people. */
    default void paused(String why) {
    }

    /** Something worth one line, such as a part that was started over. */
    default void notice(String line) {
    }

    default void finished(boolean complete) {
    }
}
