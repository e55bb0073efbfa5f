package app.dragnshare.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;
import app.dragnshare.server.relay.RelayTap;

/**
 * WCAG 2.2 AA as axe-core checks it, on every view a person meets: the start page, a session as
 * sharer and as receiver with one transfer done and one moving, and the error view, each on a
 * desktop and a phone, light and dark. Also what axe cannot see: where the focus goes.
 */
@Tag("browser")
class AccessibilityTest {
    /** Sends only the first two chunks of each transfer: the next pulls are dropped, so transfers stay mid-way to be looked at. */
    private static final RelayTap HOLD_AFTER_TWO_CHUNKS = new RelayTap() {
        @Override
        public List<JsonObject> pull(JsonObject pull) {
            return pull.getJsonNumber("index").longValue() < 2 ? List.of(pull) : List.of();
        }
    };

    @TempDir
    Path dir;

    @Test
    void everyViewPassesAxeAndTheFocusFollowsTheView() throws Exception {
        Path note = Files.writeString(dir.resolve("note.txt"), "one chunk: done at once");
        Path film = TestFiles.random(dir, "film.mkv", 3_000_000, 8); // 12 chunks: held after 2
        try (DragNShareServer server = TestServer.start(Map.of(), HOLD_AFTER_TWO_CHUNKS);
             Browser sharerBrowser = Browser.start(dir.resolve("sharer"));
             Browser receiverBrowser = Browser.start(dir.resolve("receiver"))) {
            receiverBrowser.open(TestServer.url(server).resolve("/"));
            SessionPage.join(receiverBrowser, TestServer.url(server) + "/", false)
                    .waitForText("Got an invite link?", Duration.ofSeconds(10));
            checkEveryLook(receiverBrowser, "the start view");

            SessionPage sharer = SessionPage.share(sharerBrowser, TestServer.url(server), note, film);
            assertFocused(sharerBrowser, "session-name", "after sharing, the session's heading");
            assertEquals(1, sharerBrowser.driver().findElements(By.cssSelector("h1")).stream().filter(WebElement::isDisplayed)
                    .count(), "the session screen has one level-one heading");
            SessionPage receiver = SessionPage.join(receiverBrowser, sharer.inviteLink());
            receiver.waitForFiles(2);
            assertFocused(receiverBrowser, "session-name", "after joining, the session's heading");

            receiver.download("note.txt");
            receiver.awaitDownload("note.txt", Files.size(note), Duration.ofSeconds(30));
            receiver.download("film.mkv");
            receiver.waitUntil("the film to be mid-way", () -> present(receiverBrowser, ".transfer.receiving"));
            sharer.waitUntil("the sharer to send the film", () -> present(sharerBrowser, ".transfer.streaming"));
            receiver.waitUntil("the note's transfer done", () -> present(receiverBrowser, ".transfer.done"));
            checkEveryLook(receiverBrowser, "the receiver's session, mid-transfer");
            checkEveryLook(sharerBrowser, "the sharer's session, mid-transfer");
            sharerBrowser.resize(Browser.PHONE);
            WebElement state = sharerBrowser.driver().findElement(By.id("connection"));
            assertEquals("Connected", state.getText(), "on a phone the connection state is said in words, not by a dot alone");
            assertTrue(Double.parseDouble(state.getCssValue("font-size").replace("px", "")) >= 10, state.getCssValue("font-size"));
            assertEquals("status", state.getAttribute("role"), "a live region, announced when it changes");
            sharerBrowser.resize(Browser.DESKTOP);

            sharerBrowser.driver().findElement(By.id("end-session")).click();
            sharerBrowser.driver().switchTo().alert().accept();
            sharer.waitForText("You ended the session.", Duration.ofSeconds(10));
            assertFocused(sharerBrowser, "problem-title", "the error view's heading");
            checkEveryLook(sharerBrowser, "the error view (session ended)");
            receiver.waitForText("The host ended this session.", Duration.ofSeconds(15));
            checkEveryLook(receiverBrowser, "the error view the receiver gets");
        }
    }

    /** Desktop light, desktop dark, phone light. */
    private static void checkEveryLook(Browser browser, String view) {
        Axe.assertNoSeriousViolations(browser, view + " (desktop)");
        browser.driver().executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
        try {
            Axe.assertNoSeriousViolations(browser, view + " (desktop, dark)");
        } finally {
            browser.driver().executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        }
        browser.resize(Browser.PHONE);
        try {
            Axe.assertNoSeriousViolations(browser, view + " (phone)");
        } finally {
            browser.resize(Browser.DESKTOP);
        }
    }

    private static boolean present(Browser browser, String selector) {
        return !browser.driver().findElements(By.cssSelector(selector)).isEmpty();
    }

    private static void assertFocused(Browser browser, String id, String what) {
        WebElement focused = browser.driver().switchTo().activeElement();
        assertEquals(id, focused.getAttribute("id"), "the keyboard focus is on " + what);
        assertTrue(focused.isDisplayed(), what + " is visible");
    }
}
