package app.dragnshare.client.transfer;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/**
 * Turns a file name chosen by another member into one that is safe to create inside the output
 * folder on any operating system: no path, no separators, no control or direction characters,
 * no "." or "..", no names Windows reserves, at most 255 bytes of UTF-8, and no character the
 * JVM cannot put into a file name here (under the POSIX locale of many containers, anything beyond
 * ASCII: Java would refuse the whole name).
 */
public final class SafeFileName {
    private static final int MAX_BYTES = 255;
    private static final Set<String> WINDOWS_RESERVED = Set.of("CON", "PRN", "AUX", "NUL",
            "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
            "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9");
    private static final String FALLBACK = "download";
    /** How this JVM encodes file names: the locale's (sun.jnu.encoding), US-ASCII under LANG=C. */
    private static final Charset FILE_NAMES = fileNameCharset();

    private SafeFileName() {
    }

    public static String of(String name) {
        return of(name, FILE_NAMES);
    }

    /** As {@link #of(String)} for a JVM that names files in {@code fileNames}. */
    static String of(String name, Charset fileNames) {
        StringBuilder out = new StringBuilder(name.length());
        CharsetEncoder nameable = fileNames.equals(StandardCharsets.UTF_8) ? null : fileNames.newEncoder();
        name.codePoints().forEach(c -> out.appendCodePoint(isUnsafe(c) || !canName(nameable, c) ? '_' : c));
        String safe = out.toString().strip();
        // trailing dots and spaces vanish on Windows; leading dots hide files or make "." and ".."
        safe = safe.replaceAll("[. ]+$", "").replaceAll("^\\.+", "");
        if (safe.isEmpty()) {
            safe = FALLBACK;
        }
        String stem = safe.contains(".") ? safe.substring(0, safe.indexOf('.')) : safe;
        if (WINDOWS_RESERVED.contains(stem.toUpperCase(Locale.ROOT))) {
            safe = "_" + safe;
        }
        return truncate(safe);
    }

    /** The path for {@code name} inside {@code folder}, checked never to leave it. */
    public static Path inside(Path folder, String name) throws IOException {
        Path base = folder.toAbsolutePath().normalize();
        Path target = base.resolve(of(name)).normalize();
        if (!base.equals(target.getParent())) {
            throw new IOException("refusing to write outside " + base + ": " + name);
        }
        return target;
    }

    /** "name (n).ext" for the n-th alternative when a file of that name exists already. */
    public static String numbered(String name, int n) {
        int dot = name.lastIndexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        String extension = dot > 0 ? name.substring(dot) : "";
        return truncate(stem + " (" + n + ")" + extension);
    }

    private static boolean canName(CharsetEncoder nameable, int c) {
        return nameable == null || nameable.canEncode(new String(Character.toChars(c)));
    }

    private static Charset fileNameCharset() {
        try {
            return Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        } catch (RuntimeException e) {
            return StandardCharsets.UTF_8;
        }
    }

    private static boolean isUnsafe(int c) {
        return c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0)
                || c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' || c == '"' || c == '<' || c == '>' || c == '|'
                || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f
                || Character.getType(c) == Character.SURROGATE;
    }

    /** Cuts to 255 UTF-8 bytes, keeping the extension and never splitting a character. */
    private static String truncate(String name) {
        if (name.getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        String extension = dot > 0 && name.length() - dot <= 16 ? name.substring(dot) : "";
        String stem = extension.isEmpty() ? name : name.substring(0, dot);
        int budget = MAX_BYTES - extension.getBytes(StandardCharsets.UTF_8).length;
        StringBuilder out = new StringBuilder();
        int used = 0;
        for (int i = 0; i < stem.length(); ) {
            int c = stem.codePointAt(i);
            int bytes = new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8).length;
            if (used + bytes > budget) {
                break;
            }
            out.appendCodePoint(c);
            used += bytes;
            i += Character.charCount(c);
        }
        return out + extension;
    }
}
