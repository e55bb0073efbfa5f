package app.dragnshare.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;

/** Browsers without what the page prefers still get a working page, or a message that says why not. */
@Tag("browser")
class BrowserSupportTest {
    @TempDir
    Path dir;

    @Test
    void plainHttpAddressIsToldItNeedsHttps() throws Exception {
        try (DragNShareServer server = TestServer.start();
             // a name that resolves to this machine but, unlike localhost, is not a secure context
             Browser browser = Browser.start(dir.resolve("downloads"), Browser.DESKTOP,
                     "--host-resolver-rules=MAP share.example.test 127.0.0.1")) {
            String insecure = "http://share.example.test:" + server.port() + "/";
            browser.open(java.net.URI.create(insecure));
            SessionPage page = SessionPage.join(browser, insecure, false);
            page.waitForText("This page needs a secure (https) address", Duration.ofSeconds(10));
            browser.screenshot(PageToPageTest.SCREENSHOTS.resolve("needs-https.png"));
        }
    }

    @Test
    void withoutServiceWorkerSmallFilesStillDownloadAndLargeOnesSayWhatToDo() throws Exception {
        Path small = TestFiles.random(dir, "small.pdf", 1_500_000, 15);
        Path large = TestFiles.random(dir, "large.mkv", 40_000_000, 16);
        try (DragNShareServer server = TestServer.start();
             Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), small.toString(), large.toString());
             Browser browser = Browser.start(dir.resolve("downloads"))) {
            // as in a private window that turns service workers off, on a browser without File System Access
            browser.driver().executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", """
                    Object.defineProperty(Navigator.prototype, 'serviceWorker', { get: () => undefined });
                    delete Navigator.prototype.serviceWorker;
                    delete window.showSaveFilePicker;
                    """));
            SessionPage receiver = SessionPage.join(browser, sending.link());
            assertEquals(Boolean.FALSE, browser.driver().executeScript("return 'serviceWorker' in navigator"));
            receiver.waitForFiles(2);
            receiver.download("small.pdf");
            Path saved = receiver.awaitDownload("small.pdf", Files.size(small), Duration.ofSeconds(30));
            assertTrue(TestFiles.sameBytes(small, saved), "the in-memory fallback saved different bytes");
            receiver.download("large.mkv");
            receiver.waitForText("This browser cannot save large files from a page", Duration.ofSeconds(10));
            assertEquals(List.of("small.pdf"), receiver.downloadedNames());
        }
    }
}
