package app.dragnshare.client.launch;

import java.lang.reflect.InvocationTargetException;

/**
 * The jar's entry point, compiled for Java 8 so that an older {@code java} reaches it: says in
 * one line which Java it found and that 21 or newer is needed, instead of an
 * {@code UnsupportedClassVersionError}; otherwise runs {@code cli.Main}.
 */
public final class Launcher {
    static final int REQUIRED = 21;

    private Launcher() {
    }

    public static void main(String[] args) throws Throwable {
        String found = System.getProperty("java.specification.version", "unknown");
        if (major(found) < REQUIRED) {
            System.err.println("drag-n-share needs Java " + REQUIRED + " or newer, but this is Java " + found + " ("
                    + System.getProperty("java.home") + "): install a JDK " + REQUIRED + "+ and run it with that java.");
            System.exit(1);
        }
        try {
            Class.forName("app.dragnshare.client.cli.Main").getMethod("main", String[].class).invoke(null, (Object) args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** "1.8" → 8, "17" → 17, "21.0" → 21; anything unreadable counts as new enough. */
    static int major(String specification) {
        String s = specification.startsWith("1.") ? specification.substring(2) : specification;
        int end = s.indexOf('.');
        try {
            return Integer.parseInt(end < 0 ? s : s.substring(0, end));
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }
}
