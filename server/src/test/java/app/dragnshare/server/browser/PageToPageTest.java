package app.dragnshare.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;

/**
 * One browser shares three files (one empty, one of several chunks) and another, which has only
 * the invite link, downloads them all: the bytes arrive identical, and screenshots of both views
 * are kept under target/screenshots for review.
 */
@Tag("browser")
class PageToPageTest {
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @TempDir
    Path dir;

    @Test
    void receiverDownloadsEveryFileTheSharerDropped() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.txt"));
        Path photos = TestFiles.random(dir, "holiday photos.zip", 1_300_000, 1); // 5 chunks of 256 KiB
        Path notes = Files.writeString(dir.resolve("notes – für dich.txt"), "bring the charger\n");
        try (DragNShareServer server = TestServer.start();
             Browser sharerBrowser = Browser.start(dir.resolve("sharer-downloads"));
             Browser receiverBrowser = Browser.start(dir.resolve("receiver-downloads"))) {
            receiverBrowser.open(TestServer.url(server).resolve("/"));
            receiverBrowser.screenshot(SCREENSHOTS.resolve("start-desktop.png"));
            receiverBrowser.resize(Browser.PHONE);
            receiverBrowser.screenshot(SCREENSHOTS.resolve("start-phone.png"));
            receiverBrowser.resize(Browser.DESKTOP);
            SessionPage sharer = SessionPage.share(sharerBrowser, TestServer.url(server), empty, photos, notes);
            String link = sharer.inviteLink();
            assertTrue(link.startsWith(TestServer.url(server) + "/s/") && link.contains("#"), link);

            SessionPage receiver = SessionPage.join(receiverBrowser, link);
            receiver.waitForFiles(3);
            for (Path file : List.of(empty, photos, notes)) { // each as itself ("Download all" makes one zip: FoldersPageTest)
                receiver.download(file.getFileName().toString());
            }
            for (Path file : List.of(empty, photos, notes)) {
                Path saved = receiver.awaitDownload(file.getFileName().toString(), Files.size(file), Duration.ofSeconds(60));
                assertTrue(TestFiles.sameBytes(file, saved), file.getFileName() + " arrived altered");
            }
            receiver.waitForText("Done", Duration.ofSeconds(10));
            sharer.waitUntil("the sharer to see three finished uploads",
                    () -> sharer.transfersText().split("Done", -1).length - 1 == 3);
            assertEquals(List.of("empty.txt", "holiday photos.zip", "notes – für dich.txt"), receiver.downloadedNames());
            receiver.assertNoErrors();
            sharer.assertNoErrors();
            assertEquals(List.of(), sharerBrowser.consoleErrors(), "the sharer's console (CSP violations, uncaught errors)");
            assertEquals(List.of(), receiverBrowser.consoleErrors(), "the receiver's console");

            sharerBrowser.screenshot(SCREENSHOTS.resolve("sharer-desktop.png"));
            receiverBrowser.screenshot(SCREENSHOTS.resolve("receiver-desktop.png"));
            receiverBrowser.driver().executeCdpCommand("Emulation.setEmulatedMedia",
                    java.util.Map.of("features", List.of(java.util.Map.of("name", "prefers-color-scheme", "value", "dark"))));
            receiverBrowser.screenshot(SCREENSHOTS.resolve("receiver-desktop-dark.png"));
            receiverBrowser.driver().executeCdpCommand("Emulation.setEmulatedMedia", java.util.Map.of("features", List.of()));
            sharerBrowser.resize(Browser.PHONE);
            receiverBrowser.resize(Browser.PHONE);
            sharerBrowser.screenshot(SCREENSHOTS.resolve("sharer-phone.png"));
            receiverBrowser.screenshot(SCREENSHOTS.resolve("receiver-phone.png"));

            receiver.button("Clear finished").click();
            receiver.waitUntil("the finished transfers to go", () -> receiver.transfersText().isEmpty());
            receiver.waitForText("Downloads and uploads show up here", Duration.ofSeconds(2));
        }
    }
}
