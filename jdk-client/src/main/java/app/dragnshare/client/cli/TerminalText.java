package app.dragnshare.client.cli;

import java.util.Locale;

/**
 * Text that came from the network (session and file names, the server's messages), made safe to
 * print on a terminal: every character a terminal would act on instead of showing is shown, so a
 * name cannot retitle the terminal, clear the screen, start a line of its own or reverse what
 * follows it. Escapes, as {@code cat -v} writes them where it has a form:
 * <ul>
 * <li>C0 controls U+0000–U+001F as {@code ^@}…{@code ^_} (also TAB and LF, which {@code cat -v}
 * leaves alone), DEL as {@code ^?};</li>
 * <li>C1 controls U+0080–U+009F as {@code M-^@}…{@code M-^_} (ESC's 8-bit twin U+009B is {@code M-^[});</li>
 * <li>bidi controls (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069), the line and paragraph
 * separators U+2028/U+2029 and lone surrogates as {@code <U+202E>}.</li>
 * </ul>
 * Everything else, including {@code ^} itself, stays as it is.
 */
final class TerminalText {
    private TerminalText() {
    }

    static String visible(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            int next = i + Character.charCount(c);
            String escape = escape(c);
            if (escape != null && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (escape != null) {
                    out.append(escape);
                } else {
                    out.append(text, i, next);
                }
            }
            i = next;
        }
        return out == null ? text : out.toString();
    }

    private static String escape(int c) {
        if (c < 0x20) {
            return "^" + (char) (c + 0x40);
        }
        if (c == 0x7f) {
            return "^?";
        }
        if (c >= 0x80 && c < 0xa0) {
            return "M-^" + (char) (c - 0x80 + 0x40);
        }
        if (c == 0x061c || c == 0x200e || c == 0x200f || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)
                || c == 0x2028 || c == 0x2029 || Character.getType(c) == Character.SURROGATE) {
            return String.format(Locale.ROOT, "<U+%04X>", c);
        }
        return null;
    }
}
