package app.dragnshare.client.transfer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.client.Fuzz;

/** Whatever path another member names, its folders are made inside --out and never through a link. */
class SafePathTest {
    @TempDir
    Path dir;

    @Test
    void anyPathStaysInsideTheFolder() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        for (int attempt = 0; attempt < 2000; attempt++) {
            String path = attempt < Fuzz.EDGE_TEXT.size() ? Fuzz.EDGE_TEXT.get(attempt)
                    : pathLike(Fuzz.text(Fuzz.random("anyPathStaysInsideTheFolder", attempt), 300));
            Supplier<String> input = Fuzz.about(attempt, path);
            Path target;
            try {
                target = SafePath.target(out, path);
            } catch (IOException refused) {
                continue; // a file in the way (an earlier attempt's folder name) or too long: refused is safe
            }
            assertTrue(target.startsWith(out.toAbsolutePath()), input);
            assertEquals(target, target.normalize(), input);
            Path relative = out.toAbsolutePath().relativize(target);
            for (Path component : relative) {
                String name = component.toString();
                assertFalse(name.isEmpty() || name.startsWith(".") || name.contains("\\"), () -> input.get() + " → " + relative);
            }
        }
        try (Stream<Path> all = Files.walk(dir)) {
            assertTrue(all.allMatch(p -> p.startsWith(out) || p.equals(dir)), "nothing was made outside --out");
        }
    }

    @Test
    void climbsAndAbsolutePathsStayInside() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        Path base = out.toAbsolutePath();
        assertEquals(base.resolve("x"), SafePath.target(out, "../x"));
        assertEquals(base.resolve("a/x"), SafePath.target(out, "a/../../x"));
        assertEquals(base.resolve("etc/passwd"), SafePath.target(out, "/etc/passwd"));
        assertEquals(base.resolve("a/b"), SafePath.target(out, "a//./b"));
        assertEquals(base.resolve("_.._x"), SafePath.target(out, "..\\..\\x"), "a backslash is no separator here");
        assertEquals(base.resolve("C__Windows_x"), SafePath.target(out, "C:\\Windows\\x"));
        assertEquals(base.resolve("download"), SafePath.target(out, "../.."));
        assertEquals(base.resolve("config/settings"), SafePath.target(out, ".config/settings"), "no hidden folders");
        assertEquals(List.of("photos", "2024", "IMG 1.jpg"), SafePath.components("photos/2024/IMG 1.jpg"));
        Path deep = SafePath.target(out, "d/".repeat(100) + "x");
        assertEquals(101, base.relativize(deep).getNameCount());
        assertTrue(Files.isDirectory(deep.getParent()), "the folders on the way are made");
        Path overlong = SafePath.target(out, "é".repeat(300) + "/" + "b".repeat(400) + ".txt");
        assertTrue(overlong.getFileName().toString().endsWith(".txt"));
        for (Path component : base.relativize(overlong)) {
            assertTrue(component.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 255);
        }
        IOException tooDeep = assertThrows(IOException.class, () -> SafePath.target(out, "abcdefgh/".repeat(600) + "x"));
        assertTrue(tooDeep.getMessage().contains("longer than 4096 bytes"), tooDeep.getMessage());
    }

    @Test
    void aLinkAlreadyInTheFolderIsNeverFollowed() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.createSymbolicLink(out.resolve("photos"), elsewhere);
        Files.createSymbolicLink(out.resolve("dangling"), dir.resolve("nowhere"));
        Files.writeString(out.resolve("notes"), "a file");

        IOException link = assertThrows(IOException.class, () -> SafePath.target(out, "photos/a.jpg"));
        assertTrue(link.getMessage().contains("symbolic link"), link.getMessage());
        assertThrows(IOException.class, () -> SafePath.target(out, "photos/new/a.jpg"));
        assertThrows(IOException.class, () -> SafePath.target(out, "dangling/a.jpg"));
        IOException file = assertThrows(IOException.class, () -> SafePath.target(out, "notes/a.txt"));
        assertTrue(file.getMessage().contains("in the way"), file.getMessage());
        try (Stream<Path> inside = Files.list(elsewhere)) {
            assertEquals(0, inside.count(), "nothing was made where the link points");
        }
        assertFalse(Files.exists(dir.resolve("nowhere"), LinkOption.NOFOLLOW_LINKS), "the dangling link's target was not made");
        assertEquals(out.toAbsolutePath().resolve("photos"), SafePath.target(out, "photos"),
                "a file named like the link is only a name: the receiver's never-overwrite rule numbers it");
    }

    /** Random text with some of its characters turned into separators and climbs. */
    private static String pathLike(String text) {
        return text.replace('a', '/').replace("b", "/../").replace('c', '\\').replace("d", "./");
    }
}
