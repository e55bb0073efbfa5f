package app.dragnshare.client;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Seeded, reproducible fuzzing for plain JUnit loops. It replaces the property-testing library these
 * tests used before, whose maintainer asks AI coding agents not to use it (parts of this project are
 * written by one). Every run uses the same seed, so a failure repeats; {@code -Dfuzz.seed=N}
 * explores other inputs. Each try has its own generator, made from the seed, the test's name and the
 * try number, and assertion messages from {@link #about} carry the input, the seed and the try.
 */
public final class Fuzz {
    public static final long SEED = Long.getLong("fuzz.seed", 20261124L);

    /** Texts tried before random ones: names and JSON that have broken file systems and parsers. */
    public static final List<String> EDGE_TEXT = List.of(
            "", " ", "   ", ".", "..", "...", ". .", "/", "\\", "//", "a/../b", "../../../etc/passwd",
            "..\\..\\x", "C:\\Windows\\x.txt", "C:", "\\\\server\\share", "~", ".hidden", "name.", "name ",
            "CON", "con", "CON.txt", "nul", "nul.txt", "NUL.tar.gz", "COM1", "lpt9.log", "AUX.", "PRN ",
            "\0", "a\0b", "\n", "\r", "\r\n", "a\nb", "\t", "\u007f", "\u0085", "\u001b[31mred",
            "\u202E", "invoice\u202Efdp.exe", "\u200E\u200F\u2066\u2069", "\uFEFF", "\u00A0", "\u2028\u2029",
            "\uD800", "\uDC00", "a\uD800b", "\uDFFF\uD800", "\uDBFF\uDFFF", "😀",
            "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67", "\uFFFF", "\uFFFD",
            "x".repeat(255), "x".repeat(256), "é".repeat(127) + "e", "é".repeat(128), "😀".repeat(64),
            "ä".repeat(300) + ".tar.gz", "a".repeat(300) + "." + "b".repeat(20), ".".repeat(300), "/".repeat(300),
            "null", "true", "false", "0", "-0", "-", "1e999", "9223372036854775808", "{}", "[]", "{", "]",
            "\"", "\"\\u", "\"\\ud800\"", "\"\\u0000\"", "{\"a\":}", "[1,]", "[".repeat(65) + "]".repeat(65));

    /** JSON values tried before random ones (any of them must survive being written and read back). */
    public static final List<Object> EDGE_JSON = Stream.concat(Stream.<Object>of(
            0L, -1L, 1L, Long.MIN_VALUE, Long.MAX_VALUE, 999_999_999_999_999L, 1_000_000_000_000_000L, true, false,
            List.of(), Map.of(), List.of(List.of(List.of())), Map.of("", ""), Map.of("\0", List.of(Map.of())),
            Map.of("a", List.of(Map.of("b", "\uD800"), Long.MIN_VALUE, false))),
            EDGE_TEXT.stream()).toList();

    /** Byte streams tried before random ones, for a line-based reader limited to 256-byte lines. */
    public static final List<byte[]> EDGE_BYTES = Stream.of(
            "", "\n", "\r", "\r\n", "\n\r", ":", ":\n", "data", "data:", "data:\n", "data:\n\n", "data: x\n\n",
            "data:x\r\rdata:y\r\n\r\n", "event:\n\n", "id:\nid\n\n", "\r\r\r\n\n\n", ": \u00ff\n\n",
            "\u00ff\u00fe:\u00c3\n\n", "event:\u00ed\u00a0\u0080\ndata:\u00f0\u009f\u0098\n\n", "\0:\0\n\0\n\n",
            "a".repeat(256) + "\n", "a".repeat(257) + "\n", "data:" + "x".repeat(251) + "\r\n\r\n",
            "data:" + "x".repeat(252) + "\n\n", "x".repeat(2048), "data:x\n".repeat(292),
            "\n".repeat(2048), "\r".repeat(2048))
            .map(s -> s.getBytes(StandardCharsets.ISO_8859_1)).toList();

    private static final String CONTROLS = "\0\u0001\u0007\b\t\n\u000b\f\r\u001b\u001f\u007f\u0080\u0085\u009f";
    private static final String PATH = "/\\.:*?\"<>|~ ";
    private static final String LETTERS = "éßäöüñçøåłžÆΩπжЯ日本語한글عبריתก";
    private static final String INVISIBLE =
            "\u200B\u200E\u200F\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069"
                    + "\u2028\u2029\uFEFF\u00A0\u3000\uFFFD\uFFFF";
    private static final String JSONISH = "{}[]\":,-+.eE0123456789 \t\n\rtruefalsn\\u/bf";
    private static final String[] WORDS = {"report", ".txt", ".tar.gz", ".", "..", "../", "..\\", "./", "C:\\", "CON",
            "nul", "LPT1", "true", "null", "\\u00e9", "\\ud800", "\"a\":", "😀", "👍🏽",
            "\uD83C\uDFF3\uFE0F\u200D\uD83C\uDF08", "\uD834\uDD1E"};
    private static final String SSE = ":\n\r dat";
    private static final String[] SSE_WORDS = {"data:", "data: ", "event:", "event: ", "id:", "retry:", ": ",
            "\r\n", "\n\n", "\r\r", "\r\n\r\n", "message", "\u00ff", "\u00c3", "\u00ed\u00a0\u0080",
            "\u00f0\u009f\u0098\u0080", "\u00c0\u0080", "\0"};
    private static final String[] SSE_FIELDS = {"data", "data", "event", "id", "retry", "", "dat", "Data", "data\u00ff"};
    private static final String[] SSE_ENDS = {"\n", "\n", "\r", "\r\n", ""};
    private static final long[] EDGE_LONGS = {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, 999_999_999_999_999L,
            -1_000_000_000_000_000L, 1L << 53, (1L << 53) + 1};
    private static final int SHOWN = 2000;

    private Fuzz() {
    }

    /** The generator for one try of one test. */
    public static Random random(String test, int attempt) {
        // mixed (SplitMix64's finaliser) because Randoms made from neighbouring seeds start out alike
        long z = SEED * 1_000_003L + test.hashCode() * 65_537L + attempt;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return new Random(z ^ (z >>> 31));
    }

    /**
     * Any text of at most {@code maxLength} UTF-16 units, usually short, sometimes exactly the maximum:
     * ASCII, controls (NUL, CR, LF...), path characters, non-ASCII letters, direction and other invisible
     * characters, emoji and other supplementary characters, unpaired surrogates, any UTF-16 unit, and long
     * runs of one piece.
     */
    public static String text(Random r, int maxLength) {
        int length = switch (r.nextInt(20)) {
            case 0 -> 0;
            case 1 -> Math.min(1, maxLength);
            case 2, 3 -> maxLength;
            case 4, 5, 6, 7, 8, 9 -> Math.min(1 + r.nextInt(8), maxLength);
            case 10, 11, 12, 13, 14, 15 -> Math.min(1 + r.nextInt(32), maxLength);
            default -> r.nextInt(maxLength + 1);
        };
        StringBuilder out = new StringBuilder(length + 16);
        while (out.length() < length) {
            String piece = piece(r);
            int times = r.nextInt(10) == 0 ? 16 + r.nextInt(300) : 1; // sometimes a long run of one piece
            for (; times > 0 && out.length() < length; times--) {
                out.append(piece);
            }
        }
        return out.substring(0, length); // a cut may leave half a surrogate pair: fine, that is hostile too
    }

    /** Any single UTF-16 unit, drawn like the characters of {@link #text}. */
    public static char character(Random r) {
        String piece = piece(r);
        return piece.charAt(r.nextInt(piece.length()));
    }

    /** Any int, often one of the edges (0, ±1, MIN_VALUE, MAX_VALUE). */
    public static int integer(Random r) {
        return r.nextInt(4) == 0 ? new int[] {0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE}[r.nextInt(5)] : r.nextInt();
    }

    /**
     * At most {@code maxLength} bytes: a quarter fully random, the rest biased towards what a
     * server-sent event stream is made of (':', CR, LF, space, "data:", ...), with bad UTF-8 and long runs.
     */
    public static byte[] bytes(Random r, int maxLength) {
        int length = switch (r.nextInt(16)) {
            case 0 -> 0;
            case 1, 2 -> maxLength;
            case 3, 4, 5, 6, 7 -> r.nextInt(Math.min(64, maxLength) + 1);
            default -> r.nextInt(maxLength + 1);
        };
        byte[] out = new byte[length];
        int mode = r.nextInt(4);
        if (mode == 0) {
            r.nextBytes(out);
            return out;
        }
        int i = 0;
        while (i < length) {
            // mode 1: loose bytes and long runs; modes 2 and 3: mostly whole lines, so events do get through
            String piece = switch (mode == 1 ? r.nextInt(8) : 6 + r.nextInt(10)) {
                case 0, 1, 2 -> String.valueOf(SSE.charAt(r.nextInt(SSE.length())));
                case 3, 4 -> String.valueOf(r.nextBoolean() ? SSE.charAt(r.nextInt(SSE.length())) : (char) r.nextInt(256))
                        .repeat(16 + r.nextInt(400));
                case 5, 6 -> String.valueOf((char) r.nextInt(256));
                case 7, 8 -> SSE_WORDS[r.nextInt(SSE_WORDS.length)];
                default -> line(r);
            };
            for (int k = 0; k < piece.length() && i < length; k++) {
                out[i++] = (byte) piece.charAt(k);
            }
        }
        return out;
    }

    /** One line of an event stream (one byte a char), often well formed, sometimes bent, now and then long. */
    private static String line(Random r) {
        String value = switch (r.nextInt(12)) {
            case 0, 1 -> "";
            case 2 -> "x".repeat(r.nextInt(8) == 0 ? 240 + r.nextInt(30) : r.nextInt(240)); // up to the 256-byte limit
            case 3, 4 -> SSE_WORDS[r.nextInt(SSE_WORDS.length)];
            default -> "{\"a\":" + r.nextInt(1000) + "}";
        };
        String end = SSE_ENDS[r.nextInt(SSE_ENDS.length)];
        return SSE_FIELDS[r.nextInt(SSE_FIELDS.length)] + (r.nextInt(5) > 0 ? ":" : "") + (r.nextBoolean() ? " " : "")
                + value + end + (r.nextBoolean() ? end : "");
    }

    /** Any JSON value nested at most three deep: String, Long, Boolean, and ArrayList or LinkedHashMap of those. */
    public static Object jsonValue(Random r) {
        return jsonValue(r, 3);
    }

    private static Object jsonValue(Random r, int depth) {
        return switch (r.nextInt(depth > 0 ? 7 : 3)) {
            case 0 -> text(r, 20);
            case 1 -> switch (r.nextInt(3)) {
                case 0 -> (long) integer(r);
                case 1 -> r.nextLong();
                default -> EDGE_LONGS[r.nextInt(EDGE_LONGS.length)];
            };
            case 2 -> r.nextBoolean();
            case 3, 4 -> {
                List<Object> list = new ArrayList<>();
                for (int n = r.nextInt(5); n > 0; n--) {
                    list.add(jsonValue(r, depth - 1));
                }
                yield list;
            }
            default -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (int n = r.nextInt(5); n > 0; n--) {
                    map.put(text(r, 6), jsonValue(r, depth - 1));
                }
                yield map;
            }
        };
    }

    private static String piece(Random r) {
        return switch (r.nextInt(12)) {
            case 0, 1 -> String.valueOf((char) (0x20 + r.nextInt(0x5f))); // printable ASCII
            case 2 -> WORDS[r.nextInt(WORDS.length)];
            case 3 -> pick(r, CONTROLS);
            case 4 -> pick(r, PATH);
            case 5 -> pick(r, LETTERS);
            case 6 -> pick(r, INVISIBLE);
            case 7 -> new String(Character.toChars(0x10000 + r.nextInt(0x100000))); // supplementary
            case 8 -> String.valueOf((char) (0xD800 + r.nextInt(0x800))); // unpaired surrogate
            case 9 -> pick(r, JSONISH);
            default -> String.valueOf((char) r.nextInt(0x10000)); // any UTF-16 unit
        };
    }

    private static String pick(Random r, String alphabet) {
        return String.valueOf(alphabet.charAt(r.nextInt(alphabet.length())));
    }

    /** An assertion message naming the inputs of one try, the seed and the try number. */
    public static Supplier<String> about(int attempt, Object... inputs) {
        return () -> {
            StringBuilder out = new StringBuilder("fuzz.seed=" + SEED + ", try " + attempt + ", input:");
            for (Object input : inputs) {
                out.append(' ').append(show(input));
            }
            return out.toString();
        };
    }

    /**
     * A value as a Java literal would spell it: printable ASCII as is, every other UTF-16 unit (controls,
     * non-ASCII, surrogates) as a unicode escape, bytes outside printable ASCII as {@code \xNN}.
     */
    public static String show(Object value) {
        return switch (value) {
            case null -> "null";
            case String s -> {
                StringBuilder out = new StringBuilder("\"");
                for (int i = 0; i < Math.min(s.length(), SHOWN); i++) {
                    out.append(escape(s.charAt(i)));
                }
                yield out.append('"').append(s.length() > SHOWN ? "… (" + s.length() + " chars)" : "").toString();
            }
            case Character c -> "'" + escape(c) + "'";
            case Long l -> l + "L";
            case byte[] bytes -> {
                StringBuilder out = new StringBuilder("byte[" + bytes.length + "] \"");
                for (byte b : bytes) {
                    out.append(b >= 0x20 && b < 0x7f ? escape((char) b) : b == '\n' ? "\\n" : b == '\r' ? "\\r"
                            : String.format("\\x%02x", b & 0xff));
                }
                yield out.append('"').toString();
            }
            case List<?> list -> list.stream().map(Fuzz::show).toList().toString();
            case Map<?, ?> map -> {
                List<String> entries = new ArrayList<>();
                map.forEach((k, v) -> entries.add(show(k) + ": " + show(v)));
                yield "{" + String.join(", ", entries) + "}";
            }
            default -> String.valueOf(value);
        };
    }

    private static String escape(char c) {
        return switch (c) {
            case '"' -> "\\\"";
            case '\'' -> "\\'";
            case '\\' -> "\\\\";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c);
        };
    }
}
