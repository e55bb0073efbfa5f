package app.dragnshare.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** Sizes as people read them, one decimal, written without String.format (a sharer prints one per file). */
class ProgressBarTest {
    @Test
    void sizesReadAsBefore() {
        assertEquals("0 B", ProgressBar.bytes(0));
        assertEquals("1023 B", ProgressBar.bytes(1023));
        assertEquals("1.0 KiB", ProgressBar.bytes(1024));
        assertEquals("1.3 KiB", ProgressBar.bytes(1280), "1.25 rounds half up");
        assertEquals("10.0 KiB", ProgressBar.bytes(10_240));
        assertEquals("1024.0 MiB", ProgressBar.bytes((1L << 30) - 1));
        assertEquals("1.0 GiB", ProgressBar.bytes(1L << 30));
        assertEquals("2048.0 TiB", ProgressBar.bytes(1L << 51));
    }

    @Test
    void theSameTextAsTheFormatterGave() {
        Random random = new Random(13);
        for (int i = 0; i < 100_000; i++) {
            long n = random.nextLong(1L << (10 + random.nextInt(33)));
            assertEquals(formatted(n), ProgressBar.bytes(n), "for " + n);
        }
    }

    /** What bytes() returned before (String.format's %.1f). */
    private static String formatted(long n) {
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
}
