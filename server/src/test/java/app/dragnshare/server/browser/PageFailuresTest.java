package app.dragnshare.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.redis.FreePort;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;
import app.dragnshare.server.relay.RelayTap;

/** What a person sees when something goes wrong: each failure gets a message that says what to do. */
@Tag("browser")
class PageFailuresTest {
    @TempDir
    Path dir;

    @Test
    void incompleteInviteLinkIsExplained() throws Exception {
        try (DragNShareServer server = TestServer.start(); Browser browser = Browser.start(dir.resolve("downloads"))) {
            browser.open(TestServer.url(server).resolve("/s/AAAAAAAAAAAAAAAAAAAAAA#ABCD"));
            SessionPage page = SessionPage.join(browser, TestServer.url(server) + "/s/AAAAAAAAAAAAAAAAAAAAAA#ABCD", false);
            page.waitForText("This invite link does not work", Duration.ofSeconds(10));
            page.waitForText("This invite link is incomplete or mistyped: the part after “#” is missing, cut off",
                    Duration.ofSeconds(1));
            browser.screenshot(PageToPageTest.SCREENSHOTS.resolve("invite-incomplete.png"));
        }
    }

    @Test
    void replacedLinkNoLongerAdmitsButTheNewOneDoes() throws Exception {
        Path file = Files.writeString(dir.resolve("plan.txt"), "the plan");
        try (DragNShareServer server = TestServer.start();
             Browser hostBrowser = Browser.start(dir.resolve("host"));
             Browser guestBrowser = Browser.start(dir.resolve("guest"))) {
            SessionPage host = SessionPage.share(hostBrowser, TestServer.url(server), file);
            String oldLink = host.inviteLink();
            hostBrowser.driver().findElement(By.id("rotate-code")).click();
            host.waitUntil("a new invite link", () -> !host.inviteLink().equals(oldLink));
            host.waitForText("The old link no longer lets anyone join", Duration.ofSeconds(5));
            String newLink = host.inviteLink();
            assertEquals(oldLink.substring(0, oldLink.indexOf('#')), newLink.substring(0, newLink.indexOf('#')), "same session");
            assertEquals(oldLink.substring(oldLink.lastIndexOf('.')), newLink.substring(newLink.lastIndexOf('.')),
                    "same secret: only the join code changes");

            SessionPage refused = SessionPage.join(guestBrowser, oldLink, false);
            refused.waitForText("The join code in this link is wrong", Duration.ofSeconds(10));
            refused.waitForText("If the host made a new link, the old one stops letting people in", Duration.ofSeconds(1));
            guestBrowser.screenshot(PageToPageTest.SCREENSHOTS.resolve("invite-replaced.png"));
            SessionPage.join(guestBrowser, host.inviteLink()).waitForFiles(1);
        }
    }

    @Test
    void fileOfAnOwnerWhoLeftShowsOfflineAndCannotBeAskedFor() throws Exception {
        Path file = TestFiles.random(dir, "slides.key", 10_000, 4);
        try (DragNShareServer server = TestServer.start(); Browser browser = Browser.start(dir.resolve("downloads"))) {
            SessionPage receiver;
            try (Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), file.toString())) {
                receiver = SessionPage.join(browser, sending.link());
                receiver.waitForFiles(1);
            }
            // the page re-reads presence every 10 s
            receiver.waitUntil("the file to show its owner offline", Duration.ofSeconds(25),
                    () -> receiver.pageText().contains("offline"));
            assertFalse(receiver.button("Download slides.key").isEnabled(), "a file of an offline owner cannot be requested");
            browser.screenshot(PageToPageTest.SCREENSHOTS.resolve("owner-offline.png"));
        }
    }

    @Test
    void fileAboveTheServersLimitIsRefusedWithItsReason() throws Exception {
        Path small = Files.writeString(dir.resolve("small.txt"), "fits");
        Path big = TestFiles.random(dir, "big.bin", 5_000, 5);
        try (DragNShareServer server = TestServer.start(Map.of("MAX_FILE_SIZE", "1000"), RelayTap.NONE);
             Browser browser = Browser.start(dir.resolve("downloads"))) {
            SessionPage sharer = SessionPage.share(browser, TestServer.url(server), small);
            sharer.pick(big);
            sharer.waitForText("“big.bin” is too large", Duration.ofSeconds(10));
            sharer.waitForFiles(1);
        }
    }

    @Test
    void unreachableServerIsSaidPlainly() throws Exception {
        Path file = Files.writeString(dir.resolve("a.txt"), "a");
        try (Browser browser = Browser.start(dir.resolve("downloads"))) {
            SessionPage page;
            try (DragNShareServer server = TestServer.start()) {
                browser.open(TestServer.url(server).resolve("/"));
                page = SessionPage.join(browser, TestServer.url(server) + "/", false);
            }
            page.pick(file);
            page.waitForText("The server cannot be reached", Duration.ofSeconds(15));
            browser.screenshot(PageToPageTest.SCREENSHOTS.resolve("server-unreachable.png"));
        }
    }

    @Test
    void sharersSocketReconnectsWhenTheServerRestarts() throws Exception {
        Path file = TestFiles.random(dir, "video.mp4", 600_000, 6);
        Map<String, String> fixedPort = Map.of("PORT", Integer.toString(FreePort.find()));
        Path out = Files.createDirectories(dir.resolve("cli-out"));
        try (Browser browser = Browser.start(dir.resolve("downloads"))) {
            SessionPage sharer;
            try (DragNShareServer first = TestServer.start(fixedPort, RelayTap.NONE)) {
                sharer = SessionPage.share(browser, TestServer.url(first), file);
                sharer.waitForText("Connected", Duration.ofSeconds(10));
            }
            sharer.waitForText("reconnecting", Duration.ofSeconds(10));
            browser.screenshot(PageToPageTest.SCREENSHOTS.resolve("sharer-reconnecting.png"));
            try (DragNShareServer second = TestServer.start(fixedPort, RelayTap.NONE)) {
                sharer.waitUntil("the page to reconnect", Duration.ofSeconds(30),
                        () -> sharer.pageText().contains("Connected"));
                Cli.Result result = Cli.run(60, "receive", sharer.inviteLink(), "--out", out.toString());
                assertEquals(0, result.exitCode(), "download after the restart failed: " + result.stderr());
                assertTrue(TestFiles.sameBytes(file, out.resolve("video.mp4")));
            }
        }
    }
}
