package app.dragnshare.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.KeyWatch;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;

/** The page and the real jdk-client jar speak one protocol: each receives what the other shares. */
@Tag("browser")
class PageAndCliTest {
    @TempDir
    Path dir;

    @Test
    void cliReceivesWhatThePageShares() throws Exception {
        Path file = TestFiles.random(dir, "report 2026.pdf", 900_000, 7);
        Path out = Files.createDirectories(dir.resolve("cli-out"));
        try (DragNShareServer server = TestServer.start(); Browser browser = Browser.start(dir.resolve("downloads"))) {
            SessionPage sharer = SessionPage.share(browser, TestServer.url(server), file);
            Cli.Result result = Cli.run(90, "receive", sharer.inviteLink(), "--out", out.toString());
            assertEquals(0, result.exitCode(), "receive failed: " + result.stderr());
            assertTrue(TestFiles.sameBytes(file, out.resolve("report 2026.pdf")), "the CLI saved different bytes");
            sharer.waitForText("Done", Duration.ofSeconds(10));
            sharer.assertNoErrors();
        }
    }

    /** Also: the tab asks with one kept key pair and the CLI answers it with one (PROTOCOL.md §4.10). */
    @Test
    void pageReceivesWhatTheCliShares() throws Exception {
        Path file = TestFiles.random(dir, "scan.tiff", 1_100_000, 8);
        Path empty = Files.createFile(dir.resolve("empty.bin"));
        KeyWatch keys = new KeyWatch();
        try (DragNShareServer server = TestServer.start(Map.of(), keys);
             Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), file.toString(), empty.toString());
             Browser browser = Browser.start(dir.resolve("downloads"))) {
            SessionPage receiver = SessionPage.join(browser, sending.link());
            receiver.waitForFiles(2);
            receiver.download("scan.tiff"); // each as itself ("Download all" makes one zip: FoldersPageTest)
            receiver.download("empty.bin");
            Path saved = receiver.awaitDownload("scan.tiff", Files.size(file), Duration.ofSeconds(60));
            assertTrue(TestFiles.sameBytes(file, saved), "the page saved different bytes");
            assertEquals(0, Files.size(receiver.awaitDownload("empty.bin", 0, Duration.ofSeconds(30))));
            receiver.assertNoErrors();
            assertEquals(2, Set.copyOf(keys.transferIds).size(), "two downloads, each with its own transferId: " + keys.transferIds);
            assertEquals(1, keys.receiverKeys.size(), "the tab kept its key pair for both requests: " + keys.receiverKeys);
            assertEquals(1, keys.sharerKeys.size(), "the CLI answered the kept key with one pair: " + keys.sharerKeys);
        }
    }
}
