package app.dragnshare.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;

/**
 * Two people who use only the keyboard: one shares a file and copies the invite link, the other
 * pastes it on the start page and downloads the file. After each change of view the focus is on
 * the new view's heading, so the next Tab goes on from there.
 */
@Tag("browser")
class KeyboardTest {
    @TempDir
    Path dir;

    @Test
    void shareCopyTheLinkOpenItAndDownloadWithTheKeyboardAlone() throws Exception {
        Path file = TestFiles.random(dir, "minutes.odt", 50_000, 14);
        try (DragNShareServer server = TestServer.start();
             Browser sharerBrowser = Browser.start(dir.resolve("sharer"));
             Browser receiverBrowser = Browser.start(dir.resolve("receiver"))) {
            sharerBrowser.open(TestServer.url(server).resolve("/"));
            SessionPage sharer = SessionPage.join(sharerBrowser, TestServer.url(server) + "/", false);
            sharer.waitForText("Drop files or folders here", Duration.ofSeconds(10));
            sharerBrowser.driver().executeCdpCommand("Browser.grantPermissions", Map.of("origin", TestServer.url(server).toString(),
                    "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
            // the file chooser is the system's own dialog, outside the page: the test notes that Enter opened it, then answers it
            sharerBrowser.driver().executeScript("document.getElementById('file-input')"
                    + ".addEventListener('click', () => { window.chooserOpened = true; })");
            tabTo(sharerBrowser, "Choose files", e -> "Choose files".equals(e.getText())).sendKeys(Keys.ENTER);
            sharer.waitUntil("the file chooser to open", () -> Boolean.TRUE.equals(
                    sharerBrowser.driver().executeScript("return window.chooserOpened === true")));
            sharer.pick(file);
            sharer.waitForFiles(1);
            assertFocusOn(sharerBrowser, "session-name");

            tabTo(sharerBrowser, "Copy link", e -> "copy-link".equals(e.getAttribute("id"))).sendKeys(Keys.ENTER);
            sharer.waitForText("Copied ✓", Duration.ofSeconds(5));
            String copied = (String) sharerBrowser.driver().executeAsyncScript(
                    "navigator.clipboard.readText().then(arguments[0], (e) => arguments[0]('unreadable: ' + e))");
            assertEquals(sharer.inviteLink(), copied, "the clipboard holds the invite link");

            receiverBrowser.open(TestServer.url(server).resolve("/"));
            SessionPage receiver = SessionPage.join(receiverBrowser, TestServer.url(server) + "/", false);
            receiver.waitForText("Got an invite link?", Duration.ofSeconds(10));
            tabTo(receiverBrowser, "the invite field", e -> "join-link".equals(e.getAttribute("id"))).sendKeys(copied, Keys.ENTER);
            receiver.waitForFiles(1);
            assertFocusOn(receiverBrowser, "session-name");
            tabTo(receiverBrowser, "the Download button", e -> "Download minutes.odt".equals(e.getAttribute("aria-label")))
                    .sendKeys(Keys.ENTER);
            Path saved = receiver.awaitDownload("minutes.odt", Files.size(file), Duration.ofSeconds(30));
            assertTrue(TestFiles.sameBytes(file, saved));
            assertEquals(List.of(), sharerBrowser.consoleErrors(), "the sharer's console (CSP violations, uncaught errors)");
            assertEquals(List.of(), receiverBrowser.consoleErrors(), "the receiver's console");
        }
    }

    private static void assertFocusOn(Browser browser, String id) {
        assertEquals(id, browser.driver().switchTo().activeElement().getAttribute("id"),
                "the focus moved to the new view's heading");
    }

    /** Presses Tab until the focused element is the one wanted; fails if it is not reachable. */
    private static WebElement tabTo(Browser browser, String what, Predicate<WebElement> wanted) {
        for (int presses = 0; presses < 30; presses++) {
            new Actions(browser.driver()).sendKeys(Keys.TAB).perform();
            WebElement focused = browser.driver().switchTo().activeElement();
            if (wanted.test(focused)) {
                return focused;
            }
        }
        fail(what + " cannot be reached with the Tab key");
        return null;
    }
}
