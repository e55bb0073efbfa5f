package app.dragnshare.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;

/** Someone who uses only the keyboard pastes an invite on the start page and downloads a file. */
@Tag("browser")
class KeyboardTest {
    @TempDir
    Path dir;

    @Test
    void inviteAndDownloadWithTheKeyboardAlone() throws Exception {
        Path file = TestFiles.random(dir, "minutes.odt", 50_000, 14);
        try (DragNShareServer server = TestServer.start();
             Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), file.toString());
             Browser browser = Browser.start(dir.resolve("downloads"))) {
            browser.open(TestServer.url(server).resolve("/"));
            SessionPage page = SessionPage.join(browser, TestServer.url(server) + "/", false);
            page.waitForText("Got an invite link?", Duration.ofSeconds(10));

            WebElement field = tabTo(browser, "the invite field", e -> "join-link".equals(e.getAttribute("id")));
            field.sendKeys(sending.link(), Keys.ENTER);
            page.waitForFiles(1);
            tabTo(browser, "the Download button", e -> "Download minutes.odt".equals(e.getAttribute("aria-label")))
                    .sendKeys(Keys.ENTER);
            Path saved = page.awaitDownload("minutes.odt", Files.size(file), Duration.ofSeconds(30));
            assertTrue(TestFiles.sameBytes(file, saved));
            assertEquals(List.of(), browser.consoleErrors(), "the console (CSP violations, uncaught errors)");
        }
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
