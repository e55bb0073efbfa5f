package app.dragnshare.client.transfer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a file named by another member (a relative path such as {@code photos/2024/a.jpg}) goes
 * inside the output folder. Empty, {@code .} and {@code ..} components are dropped (so a leading
 * {@code /} or a climb out means nothing) and every other component is made safe as
 * {@link SafeFileName} makes a name. The folders are made one at a time, each checked without
 * following links: a folder in the way that is a symbolic link (or a file) stops this file,
 * so nothing is ever written outside the output folder, wherever its links point.
 */
public final class SafePath {
    /** A path deeper than this many bytes (Linux's PATH_MAX is 4,096) cannot be made safely anywhere. */
    private static final int MAX_BYTES = 4096;

    private SafePath() {
    }

    /** The safe components of {@code path}, the last one the file's name; never empty. */
    public static List<String> components(String path) {
        List<String> safe = new ArrayList<>();
        for (String component : path.split("/", -1)) {
            if (!component.isEmpty() && !component.equals(".") && !component.equals("..")) {
                safe.add(SafeFileName.of(component));
            }
        }
        if (safe.isEmpty()) {
            safe.add(SafeFileName.of(""));
        }
        return safe;
    }

    /** The safe relative form of {@code path}, {@code /}-separated, for showing and for zip entries. */
    public static String of(String path) {
        return String.join("/", components(path));
    }

    /**
     * The file {@code path} names inside {@code base}, its folders made (or found as real folders)
     * on the way; the file itself is not created. Throws when a folder on the way is a symbolic
     * link or not a folder, or the path would be too long.
     */
    public static Path target(Path base, String path) throws IOException {
        List<String> components = components(path);
        if (String.join("/", components).getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
            throw new IOException("the path is longer than " + MAX_BYTES + " bytes and cannot be saved: " + path);
        }
        Path top = base.toAbsolutePath().normalize();
        Path dir = top;
        for (String component : components.subList(0, components.size() - 1)) {
            dir = folder(dir.resolve(component));
        }
        Path target = dir.resolve(components.getLast());
        // the checks above already rule it out; this says so again from the file system's point of view
        if (!target.normalize().startsWith(top) || !dir.toRealPath().startsWith(top.toRealPath())) {
            throw new IOException("refusing to write outside " + top + ": " + path);
        }
        return target;
    }

    /** {@code dir} as a real folder: made if missing, refused if it is a link or a file. */
    private static Path folder(Path dir) throws IOException {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException missing) {
            try {
                Files.createDirectory(dir);
            } catch (FileAlreadyExistsException raced) {
                // made meanwhile (another download of the same tree): checked below like any other
            }
            attributes = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        }
        if (attributes.isSymbolicLink()) {
            throw new IOException("refusing to save into " + dir + ": it is a symbolic link, which is never followed");
        }
        if (!attributes.isDirectory()) {
            throw new IOException("cannot make the folder " + dir + ": a file of that name is in the way");
        }
        return dir;
    }
}
