package app.dragnshare.client.cli;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * What to say when this JVM cannot read a local file name as it is. Java names files in the
 * locale's encoding ({@code sun.jnu.encoding}), fixed when it starts: under the POSIX locale many
 * containers, cron jobs and bare SSH sessions run with (LC_ALL, LC_CTYPE and LANG unset or "C", or
 * naming a locale that is not installed) that is US-ASCII, and a name with letters beyond it can
 * neither be opened nor read back as it is. LC_ALL overrides the others, so the advice names it.
 */
final class LocalNames {
    private static final String CHARSET = canonical(System.getProperty("sun.jnu.encoding", "UTF-8"));
    private static final boolean UTF8 = isUtf8(CHARSET);

    private LocalNames() {
    }

    /** A named operand this JVM cannot turn into a path (in ASCII only: under that locale the terminal may show no more). */
    static String unnameable(String name) {
        return "cannot open \"" + TerminalText.visible(name) + "\": " + (UTF8 ? "this system does not allow that file name"
                : why() + " Run it with LC_ALL=C.UTF-8 (for example: LC_ALL=C.UTF-8 java -jar jdk-client.jar ...).");
    }

    /** {@code count} shared names had bytes this JVM could not read, now {@code _}. */
    static String renamed(int count) {
        String names = count + (count == 1 ? " name is" : " names are");
        return UTF8 ? names + " shared with _ in place of bytes that are not UTF-8."
                : names + " shared with _ in place of letters beyond ASCII: " + why() + " Run it with LC_ALL=C.UTF-8 to keep them.";
    }

    private static String why() {
        return "this Java reads file names as " + CHARSET + " (the locale is not a UTF-8 one: LC_ALL, LC_CTYPE and LANG "
                + "unset, \"C\", or naming a locale that is not installed).";
    }

    /** "ANSI_X3.4-1968" (how Linux names the POSIX locale's) → "US-ASCII". */
    private static String canonical(String charset) {
        try {
            return Charset.forName(charset).name();
        } catch (RuntimeException e) {
            return charset;
        }
    }

    private static boolean isUtf8(String charset) {
        try {
            return Charset.forName(charset).equals(StandardCharsets.UTF_8);
        } catch (RuntimeException e) {
            return true; // unknown: say nothing about locales
        }
    }
}
