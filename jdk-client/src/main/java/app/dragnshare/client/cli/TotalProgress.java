package app.dragnshare.client.cli;

import java.io.PrintStream;
import java.util.Locale;

import app.dragnshare.client.transfer.Progress;

/**
 * One progress line for many files downloading at once: files done of all, bar, percent, bytes,
 * speed, time left. On a terminal it redraws in place a few times a second; otherwise it prints
 * one summary line at the end. Each download reports through its own {@link #forFile()}.
 */
final class TotalProgress {
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final int WIDTH = 24;

    private final PrintStream out;
    private final boolean terminal;
    private final int files;
    private final long size;
    private final long startNanos = System.nanoTime();
    private int finished;
    private int failed;
    private long done;
    private long lastDraw;

    TotalProgress(PrintStream out, boolean terminal, int files, long size) {
        this.out = out;
        this.terminal = terminal;
        this.files = files;
        this.size = size;
    }

    /** A file's own progress, added to the total (a failed file's bytes are taken back out). */
    Progress forFile() {
        return new Progress() {
            private long bytes;

            @Override
            public void advanced(long n) {
                bytes += n;
                add(n, 0, 0);
            }

            @Override
            public void finished(boolean complete) {
                add(complete ? 0 : -bytes, complete ? 1 : 0, complete ? 0 : 1);
            }
        };
    }

    /** The closing line, also when not on a terminal. */
    synchronized void end() {
        draw(true);
    }

    private synchronized void add(long bytes, int complete, int failures) {
        done += bytes;
        finished += complete;
        failed += failures;
        if (terminal && (complete + failures > 0 || System.nanoTime() - lastDraw > REDRAW_NANOS)) {
            draw(false);
        }
    }

    private void draw(boolean last) {
        if (!terminal && !last) {
            return;
        }
        lastDraw = System.nanoTime();
        double seconds = Math.max(1e-3, (lastDraw - startNanos) / 1e9);
        double rate = done / seconds;
        double fraction = size == 0 ? (double) finished / Math.max(1, files) : (double) done / size;
        int filled = (int) Math.round(Math.min(1, fraction) * WIDTH);
        String eta = rate > 0 && !last ? "  " + duration((size - done) / rate) + " left" : last ? "  in " + duration(seconds) : "";
        String line = String.format(Locale.ROOT, "%d/%d files%s [%s] %3.0f%%  %s  %s/s%s", finished, files,
                failed > 0 ? " (" + failed + " failed)" : "", "#".repeat(filled) + " ".repeat(WIDTH - filled),
                fraction * 100, ProgressBar.bytes(done), ProgressBar.bytes((long) rate), eta);
        out.print((terminal ? "\r" : "") + line + (terminal ? "\u001b[K" : "") + (last ? "\n" : ""));
        out.flush();
    }

    private static String duration(double seconds) {
        long s = (long) seconds;
        if (s == 0) {
            return String.format(Locale.ROOT, "%.1f s", seconds);
        }
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
