package app.dragnshare.server.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;

/**
 * A 300 MB file goes page to page while the receiving page's memory is sampled: its JavaScript
 * heap, and the resident memory of its whole Chromium, stay far below the file's size, because
 * the page streams chunks through the service worker to disk instead of collecting them.
 */
@Tag("browser")
class LargeDownloadTest {
    /** 300 MB in the suite; -Ddns.largeDownloadBytes=2000000000 for a 2 GB run by hand. */
    private static final long SIZE = Long.getLong("dns.largeDownloadBytes", 300_000_000L);

    @TempDir
    Path dir;

    @Test
    void largeDownloadStreamsToDiskInBoundedMemory() throws Exception {
        Path file = TestFiles.random(dir, "disk-image.iso", SIZE, 300);
        try (DragNShareServer server = TestServer.start();
             Browser sharerBrowser = Browser.start(dir.resolve("sharer-downloads"));
             Browser receiverBrowser = Browser.start(dir.resolve("receiver-downloads"))) {
            SessionPage sharer = SessionPage.share(sharerBrowser, TestServer.url(server), file);
            SessionPage receiver = SessionPage.join(receiverBrowser, sharer.inviteLink());
            receiver.waitForFiles(1);
            long heapBefore = receiverBrowser.jsHeapUsed();
            long residentBefore = receiverBrowser.residentBytes();
            long maxHeap = heapBefore;
            long maxResident = residentBefore;
            Path saved = receiverBrowser.downloads().resolve("disk-image.iso");
            long started = System.nanoTime();
            receiver.download("disk-image.iso");
            long deadline = started + Duration.ofSeconds(60 + SIZE / 2_000_000).toNanos(); // at least 2 MB/s
            boolean pictured = false;
            while (!(Files.exists(saved) && Files.size(saved) == SIZE && receiver.partialDownloads().isEmpty())) {
                assertTrue(System.nanoTime() < deadline, SIZE / 1_000_000 + " MB did not arrive in time; page says: "
                        + receiver.transfersText());
                assertTrue(!receiver.transfersText().contains("Failed"), receiver.transfersText());
                if (!pictured && receiver.transfersText().contains("left")) {
                    pictured = true; // both sides while bytes move, for review
                    String title = receiverBrowser.driver().getTitle();
                    assertTrue(title.matches("\\d+% · .*"), "the tab title shows the progress: " + title);
                    receiverBrowser.screenshot(PageToPageTest.SCREENSHOTS.resolve("receiver-downloading.png"));
                    sharerBrowser.screenshot(PageToPageTest.SCREENSHOTS.resolve("sharer-uploading.png"));
                }
                maxHeap = Math.max(maxHeap, receiverBrowser.jsHeapUsed());
                long resident = receiverBrowser.residentBytes();
                maxResident = Math.max(maxResident, resident);
                Thread.sleep(250);
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            assertTrue(TestFiles.sameBytes(file, saved), "the large file arrived altered");
            String report = String.format(Locale.ROOT, SIZE / 1_000_000 + " MB page to page in %.1f s (%.1f MB/s); receiver JS heap "
                            + "%.1f MB before, %.1f MB at most; receiver Chromium resident %.0f MB before, %.0f MB at most",
                    seconds, SIZE / 1e6 / seconds, heapBefore / 1e6, maxHeap / 1e6, residentBefore / 1e6, maxResident / 1e6);
            System.out.println(report);
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target", "large-download.txt"), report + System.lineSeparator());
            assertTrue(maxHeap < 64_000_000, "the receiving page's JS heap grew with the file: " + report);
            // the browser's resident memory saws up and down with garbage collection (measured: up to
            // about 190 MB above its start); a page that kept the file would add all of it on top
            assertTrue(maxResident - residentBefore < Math.max(SIZE, 300_000_000L),
                    "the receiving browser's memory grew with the file: " + report);
            receiver.waitForText("Done", Duration.ofSeconds(10));
        }
    }
}
