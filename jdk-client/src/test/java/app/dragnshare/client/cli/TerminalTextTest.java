package app.dragnshare.client.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;

import app.dragnshare.client.Fuzz;

import org.junit.jupiter.api.Test;

/** A name from the network reaches the terminal with every control shown, never acted on. */
class TerminalTextTest {

    @Test
    void showsTheTerminalTricksAsCatDoes() {
        assertEquals("^[]0;pwned^G", TerminalText.visible("\u001b]0;pwned\u0007")); // retitles the terminal
        assertEquals("^[[2J^[[Hx.txt", TerminalText.visible("\u001b[2J\u001b[Hx.txt")); // clears the screen
        assertEquals("a^Mb^Jc^Id", TerminalText.visible("a\rb\nc\td")); // overwrites or fakes a line
        assertEquals("^@^A^_^?", TerminalText.visible("\0\u0001\u001f\u007f"));
        assertEquals("M-^[2JM-^EM-^@M-^_", TerminalText.visible("\u009b2J\u0085\u0080\u009f")); // 8-bit CSI, NEL
        assertEquals("invoice<U+202E>fdp.exe", TerminalText.visible("invoice\u202Efdp.exe"));
        assertEquals("<U+2066><U+2069><U+200E><U+200F><U+061C>", TerminalText.visible("\u2066\u2069\u200E\u200F\u061C"));
        assertEquals("a<U+2028>b<U+2029>", TerminalText.visible("a\u2028b\u2029"));
        assertEquals("<U+D800>x<U+DC00>", TerminalText.visible("\uD800x\uDC00"));
        assertEquals("", TerminalText.visible(null));
    }

    @Test
    void leavesPrintableTextAlone() {
        String name = "Friday photos ^[ 日本語 😀 é.tar.gz";
        assertSame(name, TerminalText.visible(name));
        assertEquals("👨‍👩‍👧", TerminalText.visible("👨‍👩‍👧")); // joiners are not direction controls
    }

    @Test
    void nothingATerminalActsOnSurvives() {
        for (int attempt = 0; attempt < 3000; attempt++) {
            String name = attempt < Fuzz.EDGE_TEXT.size() ? Fuzz.EDGE_TEXT.get(attempt)
                    : Fuzz.text(Fuzz.random("nothingATerminalActsOnSurvives", attempt), 300);
            Supplier<String> input = Fuzz.about(attempt, name);
            String shown = TerminalText.visible(name);
            assertTrue(shown.codePoints().noneMatch(TerminalTextTest::actedOn), () -> input.get() + " → " + Fuzz.show(shown));
        }
    }

    private static boolean actedOn(int c) {
        return c < 0x20 || (c >= 0x7f && c < 0xa0) || c == 0x061c || c == 0x200e || c == 0x200f
                || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029
                || Character.getType(c) == Character.SURROGATE;
    }
}
