package app.dragnshare.benchmarks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;

import org.junit.jupiter.api.Test;

import app.dragnshare.benchmarks.harness.Options;

/**
 * ManyFiles' quick mode, as CI runs the other harnesses' (QuickModeTest): a small tree, CLI to
 * CLI, on the real server jar and CLI, received as the same tree. Speed is not asserted here.
 */
class ManyFilesQuickTest {
    @Test
    void aSmallTreeArrivesWholeFromCliToCli() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        ManyFiles.Report report = ManyFiles.run(ManyFiles.Settings.from(
                Options.parse(new String[] {"--quick"}, Set.of(), Set.of("quick"))), out);
        String text = bytes.toString(StandardCharsets.UTF_8);
        System.out.print(text);
        assertEquals(1, report.runs().size(), text);
        assertTrue(report.medianSeconds() > 0, text);
        assertTrue(text.contains("copy was the same tree, byte for byte"), text);
    }
}
