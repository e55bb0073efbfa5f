package app.dragnshare.client.cli;

import java.io.PrintStream;
import java.util.Locale;

import app.dragnshare.client.transfer.Progress;

/**
 * A one-line progress bar on stderr: name, bar, percent, speed, time left. On a terminal it
 * redraws in place a few times a second; otherwise it prints one line at the end. A pause gets
 * a line of its own and the bar then goes on from where it was; bytes verified by an earlier
 * run count as done but not towards the speed.
 */
final class ProgressBar implements Progress {
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final int WIDTH = 24;

    private final PrintStream out;
    private final boolean terminal;
    private String name = "";
    private long size;
    private long done;
    /** Bytes that were done before this run or this stretch: not part of the speed. */
    private long base;
    private long startNanos;
    private long lastDraw;
    private boolean paused;

    ProgressBar(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void started(String name, long size, long done) {
        this.name = name;
        this.size = size;
        this.done = done;
        this.base = done;
        this.startNanos = System.nanoTime();
        if (done > 0) {
            line("resuming " + TerminalText.visible(name) + " at " + percent() + ": " + bytes(done) + " were verified before");
        }
        draw(false);
    }

    @Override
    public void advanced(long bytes) {
        if (paused) { // going on after a pause: the speed is that of this stretch
            paused = false;
            base = done;
            startNanos = System.nanoTime();
        }
        done += bytes;
        if (terminal && System.nanoTime() - lastDraw > REDRAW_NANOS) {
            draw(false);
        }
    }

    @Override
    public void paused(String why) {
        paused = true;
        line((size > 0 || done > 0 ? "paused at " + percent() + ": " : "") + TerminalText.visible(why)); // may quote the server
    }

    @Override
    public void notice(String line) {
        line(TerminalText.visible(line));
    }

    /** A line of its own; on a terminal the bar is redrawn below it at its next update. */
    private void line(String text) {
        out.print((terminal ? "\r\u001b[K" : "") + "drag-n-share: " + text + "\n");
        out.flush();
        lastDraw = 0;
    }

    private String percent() {
        return String.format(Locale.ROOT, "%.0f%%", size == 0 ? 0 : 100.0 * done / size);
    }

    @Override
    public void finished(boolean complete) {
        if (complete) {
            draw(true);
        } else if (terminal && lastDraw != 0) {
            out.print('\n');
        }
        lastDraw = 0;
    }

    private void draw(boolean last) {
        if (!terminal && !last) {
            return;
        }
        lastDraw = System.nanoTime();
        double seconds = Math.max(1e-3, (lastDraw - startNanos) / 1e9);
        double rate = (done - base) / seconds;
        double fraction = size == 0 ? 1 : (double) done / size;
        int filled = (int) Math.round(fraction * WIDTH);
        String bar = "#".repeat(filled) + " ".repeat(WIDTH - filled);
        String eta = rate > 0 && !last ? "  " + duration((size - done) / rate) + " left" : "";
        String line = String.format(Locale.ROOT, "%s [%s] %3.0f%%  %s  %s/s%s",
                shorten(TerminalText.visible(name)), bar, fraction * 100, bytes(done), bytes((long) rate), eta);
        out.print((terminal ? "\r" : "") + line + (terminal ? "\u001b[K" : "") + (last ? "\n" : ""));
        out.flush();
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = n;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        long tenths = Math.round(value * 10); // not String.format: a sharer prints this for every file it sends
        return tenths / 10 + "." + tenths % 10 + " " + units[unit];
    }

    private static String duration(double seconds) {
        long s = (long) seconds;
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    private static String shorten(String name) {
        return name.length() <= 32 ? name : name.substring(0, 14) + "…" + name.substring(name.length() - 17);
    }
}
