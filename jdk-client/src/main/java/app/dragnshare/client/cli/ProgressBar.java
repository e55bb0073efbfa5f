package app.dragnshare.client.cli;

import java.io.PrintStream;
import java.util.Locale;

import app.dragnshare.client.transfer.Progress;

/**
 * A one-line progress bar on stderr: name, bar, percent, speed, time left. On a terminal it
 * redraws in place a few times a second; otherwise it prints one line at the end.
 */
final class ProgressBar implements Progress {
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final int WIDTH = 24;

    private final PrintStream out;
    private final boolean terminal;
    private String name = "";
    private long size;
    private long done;
    private long startNanos;
    private long lastDraw;

    ProgressBar(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void started(String name, long size) {
        this.name = name;
        this.size = size;
        this.done = 0;
        this.startNanos = System.nanoTime();
        draw(false);
    }

    @Override
    public void advanced(long bytes) {
        done += bytes;
        if (terminal && System.nanoTime() - lastDraw > REDRAW_NANOS) {
            draw(false);
        }
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
        double rate = done / seconds;
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
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
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
