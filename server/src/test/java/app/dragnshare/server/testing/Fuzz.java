package app.dragnshare.server.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded generators of what a hostile client sends: broken text, any JSON, and JSON with an
 * endpoint's names but wrong values. Plain JUnit loops use them (we do not use jqwik: its
 * maintainer asks AI coding agents not to, and parts of this project are written by one).
 * Every run uses the same seed, so a failure repeats; {@code -Dfuzz.seed=N} explores others.
 * Assertion messages carry the input, shown with {@link #show}.
 */
public final class Fuzz {
    public static final long SEED = Long.getLong("fuzz.seed", 20261124L);

    private static final String[] EDGE_VALUES = {"true", "false", "null", "1e999", "-0", "\"\\u0000\"", "\"\\ud800\"",
            "\"A\"", "[]", "{}", "9223372036854775808", "-9223372036854775809", "0.5", "\"\""};
    /** Characters a parser or a name check might trip over, mixed into random text. */
    private static final String NASTY = "\u0000\u0001\u001f\u007f\"\\/:.\n\r\t {}[],\u00e9\u00df\u65e5\u202e\ufeff\uffff";

    private Fuzz() {
    }

    /** A generator for one test, seeded from {@link #SEED} and the test's name. */
    public static Random random(String test) {
        return new Random(SEED * 31 + test.hashCode());
    }

    /** Any text up to {@code maxLength} UTF-16 units: ASCII, controls, non-ASCII, supplementary characters, lone surrogates. */
    public static String text(Random r, int maxLength) {
        int length = r.nextInt(maxLength + 1);
        StringBuilder out = new StringBuilder(length);
        while (out.length() < length) {
            switch (r.nextInt(6)) {
                case 0, 1 -> out.append((char) (0x20 + r.nextInt(0x5f)));
                case 2 -> out.append(NASTY.charAt(r.nextInt(NASTY.length())));
                case 3 -> out.append((char) r.nextInt(0x10000)); // may be a lone surrogate
                case 4 -> out.appendCodePoint(0x10000 + r.nextInt(0x100000));
                default -> out.append((char) r.nextInt(0x20));
            }
        }
        return out.length() > length ? out.substring(0, length) : out.toString();
    }

    /** Text of {@code min}..{@code max} characters from {@code alphabet}. */
    public static String text(Random r, String alphabet, int min, int max) {
        int length = min + r.nextInt(max - min + 1);
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append(alphabet.charAt(r.nextInt(alphabet.length())));
        }
        return out.toString();
    }

    /** The same text with every lone surrogate replaced by U+FFFD, for channels that only carry well-formed text. */
    public static String wellFormed(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                out.append(c).append(s.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '\ufffd' : c);
            }
        }
        return out.toString();
    }

    public static byte[] bytes(Random r, int maxLength) {
        byte[] bytes = new byte[r.nextInt(maxLength + 1)];
        r.nextBytes(bytes);
        return bytes;
    }

    /** Any JSON value (nested up to three levels), as text. */
    public static String value(Random r) {
        return value(r, 3);
    }

    private static String value(Random r, int depth) {
        int kind = r.nextInt(depth > 0 ? 7 : 5);
        return switch (kind) {
            case 0 -> quote(text(r, 30));
            case 1 -> Long.toString(r.nextLong());
            case 2 -> Double.toString(r.nextDouble() * Math.pow(10, r.nextInt(40) - 20));
            case 3, 4 -> EDGE_VALUES[r.nextInt(EDGE_VALUES.length)];
            case 5 -> {
                List<String> items = new ArrayList<>();
                for (int i = r.nextInt(5); i > 0; i--) {
                    items.add(value(r, depth - 1));
                }
                yield "[" + String.join(",", items) + "]";
            }
            default -> "{" + quote(text(r, 8)) + ":" + value(r, depth - 1) + "}";
        };
    }

    /** An object with some of {@code names} (sometimes a stray one too), each holding any value. */
    public static String objectWith(Random r, List<String> names) {
        StringBuilder out = new StringBuilder("{");
        for (String name : names) {
            if (r.nextBoolean()) {
                out.append(out.length() > 1 ? "," : "").append(quote(name)).append(':').append(value(r));
            }
        }
        if (r.nextInt(3) == 0) {
            out.append(out.length() > 1 ? "," : "").append("\"stray\":").append(value(r));
        }
        return out.append('}').toString();
    }

    /** Hostile request bodies: mostly JSON-shaped with the endpoint's names, else any JSON, else any text. */
    public static String body(Random r, List<String> names) {
        int pick = r.nextInt(9);
        return pick < 5 ? objectWith(r, names) : pick < 7 ? value(r) : text(r, 60);
    }

    public static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    /** Text as an assertion message shows it: controls and non-ASCII as escapes, long text cut. */
    public static String show(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && out.length() < 300; i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return out + (out.length() >= 300 ? "… (" + s.length() + " chars)" : "") + " [fuzz.seed=" + SEED + "]";
    }
}
