package app.dragnshare.server.browser;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;

/**
 * Every member shares, not only the host; members remove their own files, the host removes any
 * file and ends the session for everyone.
 */
@Tag("browser")
class SessionControlsTest {
    @TempDir
    Path dir;

    @Test
    void guestSharesBackAndTheHostRemovesFilesAndEndsTheSession() throws Exception {
        Path hostFile = Files.writeString(dir.resolve("agenda.txt"), "1. files\n");
        Path guestFile = TestFiles.random(dir, "answers.pdf", 400_000, 9);
        Path guestDraft = Files.writeString(dir.resolve("draft.txt"), "not yet");
        try (DragNShareServer server = TestServer.start();
             Browser hostBrowser = Browser.start(dir.resolve("host"));
             Browser guestBrowser = Browser.start(dir.resolve("guest"))) {
            SessionPage host = SessionPage.share(hostBrowser, TestServer.url(server), hostFile);
            SessionPage guest = SessionPage.join(guestBrowser, host.inviteLink());
            guest.pick(guestFile, guestDraft);
            guest.waitForFiles(3);
            host.waitForFiles(3);

            host.download("answers.pdf");
            Path saved = host.awaitDownload("answers.pdf", Files.size(guestFile), Duration.ofSeconds(30));
            assertTrue(TestFiles.sameBytes(guestFile, saved), "the host got altered bytes from the guest");

            guest.button("Remove draft.txt").click();
            host.waitForFiles(2);
            assertTrue(guest.browser().driver().findElements(By.cssSelector("button[aria-label='Remove agenda.txt']")).isEmpty(),
                    "a guest cannot remove the host's file");
            host.button("Remove answers.pdf").click();
            guest.waitForFiles(1);
            assertFalse(guest.browser().driver().findElement(By.id("file-list")).getText().contains("answers.pdf"),
                    "the host removed the guest's file for everyone");

            host.button("End session").click();
            hostBrowser.driver().switchTo().alert().accept();
            host.waitForText("You ended the session", Duration.ofSeconds(10));
            guest.waitForText("This session has ended", Duration.ofSeconds(15));
            guest.assertNoErrors();
        }
    }

    @Test
    void reloadKeepsTheHostsRightsButNotTheFilesItNoLongerHolds() throws Exception {
        Path file = Files.writeString(dir.resolve("keys.txt"), "a reload drops the File handle");
        try (DragNShareServer server = TestServer.start(); Browser browser = Browser.start(dir.resolve("host"))) {
            SessionPage host = SessionPage.share(browser, TestServer.url(server), file);
            String link = host.inviteLink();
            browser.driver().navigate().refresh();
            host.waitForText("no longer shared. Add them again", Duration.ofSeconds(15));
            host.waitForFiles(0);
            assertTrue(browser.driver().findElement(By.id("host-tools")).isDisplayed(), "still the host after a reload");
            assertTrue(host.inviteLink().equals(link), "the same invite");
            host.pick(file);
            host.waitForFiles(1);
            host.pick(file);
            host.waitForText("“keys.txt” is already shared.", Duration.ofSeconds(5));
            host.waitForFiles(1);
        }
    }
}
