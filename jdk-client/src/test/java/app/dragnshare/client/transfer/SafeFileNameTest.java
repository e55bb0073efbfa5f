package app.dragnshare.client.transfer;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Supplier;

import app.dragnshare.client.Fuzz;

import org.junit.jupiter.api.Test;

/** Whatever name another member chooses, the receiver writes inside --out and nowhere else. */
class SafeFileNameTest {

    @Test
    void anyNameStaysInsideTheFolder() {
        Path folder = Path.of("/tmp/out").toAbsolutePath();
        for (int attempt = 0; attempt < 3000; attempt++) {
            String name = attempt < Fuzz.EDGE_TEXT.size() ? Fuzz.EDGE_TEXT.get(attempt)
                    : Fuzz.text(Fuzz.random("anyNameStaysInsideTheFolder", attempt), 600);
            Supplier<String> input = Fuzz.about(attempt, name);
            Path target = assertDoesNotThrow(() -> SafeFileName.inside(folder, name), input);
            assertEquals(folder, target.getParent(), input);
            String safe = assertDoesNotThrow(() -> SafeFileName.of(name), input);
            Supplier<String> about = () -> input.get() + ", made safe: " + Fuzz.show(safe);
            assertFalse(safe.isEmpty(), about);
            assertFalse(safe.contains("/") || safe.contains("\\") || safe.contains("\0"), about);
            assertFalse(safe.equals(".") || safe.equals("..") || safe.startsWith("."), about);
            assertTrue(safe.getBytes(StandardCharsets.UTF_8).length <= 255, about);
            assertTrue(safe.chars().noneMatch(c -> c < 0x20 || c == 0x7f), about);
        }
    }

    @Test
    void neutralisesTheUsualTricks() {
        assertEquals("_etc_passwd", SafeFileName.of("/etc/passwd"));
        assertEquals("_.._.._x", SafeFileName.of("../../../x"));
        assertEquals("download", SafeFileName.of(".."));
        assertEquals("download", SafeFileName.of("."));
        assertEquals("download", SafeFileName.of("   "));
        assertEquals("C__Windows_x.txt", SafeFileName.of("C:\\Windows\\x.txt"));
        assertEquals("_CON.txt", SafeFileName.of("CON.txt"));
        assertEquals("_nul", SafeFileName.of("nul"));
        assertEquals("a_b", SafeFileName.of("a\u0000b"));
        assertEquals("invoice_fdp.exe", SafeFileName.of("invoice\u202Efdp.exe"));
        assertEquals("report", SafeFileName.of("report. . ."));
        // letters beyond ASCII stay where the JVM names files in UTF-8; under the POSIX locale (US-ASCII
        // names) they become "_" (FolderTransferTest runs the real CLI so)
        assertEquals("hé llo wörld.txt", SafeFileName.of("hé llo wörld.txt", StandardCharsets.UTF_8));
        assertEquals("h_ llo w_rld.txt", SafeFileName.of("hé llo wörld.txt", StandardCharsets.US_ASCII));
        assertEquals("h_ llo wörld.txt", SafeFileName.of("hé llo wörld.txt".replace('é', 'ě'), StandardCharsets.ISO_8859_1));
    }

    @Test
    void longNamesKeepTheirExtension() {
        String name = "ä".repeat(300) + ".tar.gz";
        String safe = SafeFileName.of(name);
        assertTrue(safe.getBytes(StandardCharsets.UTF_8).length <= 255);
        assertTrue(safe.endsWith(".gz"));
    }

    @Test
    void numbersAlternatives() {
        assertEquals("photo (1).jpg", SafeFileName.numbered("photo.jpg", 1));
        assertEquals("README (2)", SafeFileName.numbered("README", 2));
    }
}
