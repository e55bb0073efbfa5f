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
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.http.Ids;
import app.dragnshare.server.redis.FreePort;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.Http;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;
import app.dragnshare.server.relay.RelayTap;

/** Each thing that goes wrong is told as what it is: a mistyped link is not an attack, an ended session not a wrong code. */
@Tag("browser")
class PageMessagesTest {
    private static final String SECRET = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";

    @TempDir
    Path dir;

    @Test
    void aMistypedSecretIsReportedAsProbablyTheLinkOnBothPages() throws Exception {
        Path file = TestFiles.random(dir, "budget.ods", 300_000, 7);
        try (DragNShareServer server = TestServer.start();
             Browser sharerBrowser = Browser.start(dir.resolve("sharer"));
             Browser receiverBrowser = Browser.start(dir.resolve("receiver"))) {
            SessionPage sharer = SessionPage.share(sharerBrowser, TestServer.url(server), file);
            String link = sharer.inviteLink();
            int at = link.length() - 20; // one character in the middle of the secret, typed wrong
            String mistyped = link.substring(0, at) + (link.charAt(at) == 'x' ? 'y' : 'x') + link.substring(at + 1);

            SessionPage receiver = SessionPage.join(receiverBrowser, mistyped); // the join code is right: it joins
            receiver.waitForFiles(1);
            receiver.download("budget.ods");
            receiver.waitForText("The sharer could not verify this download request. The invite link you opened may be "
                    + "incomplete or mistyped: check it with the sender", Duration.ofSeconds(30));
            assertTrue(receiver.transfersText().contains("If it is exactly right, something altered the connection. "
                    + "Nothing was saved."), receiver.transfersText());
            assertEquals(List.of(), receiverBrowser.driver().findElements(By.cssSelector(".transfer.tampered")),
                    "not shown as an attack");

            sharer.waitForText("Someone with an incomplete or mistyped invite link tried to download “budget.ods”. "
                    + "Nothing was sent", Duration.ofSeconds(10));
            sharer.assertNoErrors(); // no red tampering notice for what is most likely a typo
            sharerBrowser.screenshot(PageToPageTest.SCREENSHOTS.resolve("sharer-mistyped-link.png"));
            receiverBrowser.screenshot(PageToPageTest.SCREENSHOTS.resolve("receiver-mistyped-link.png"));
            assertEquals(List.of(), receiver.downloadedNames(), "nothing is saved");
        }
    }

    @Test
    void aWrongJoinCodeAnUnknownSessionAndAnEndedSessionEachSayWhich() throws Exception {
        try (DragNShareServer server = TestServer.start(); Browser browser = Browser.start(dir.resolve("downloads"))) {
            Http http = new Http(TestServer.url(server));
            String base = TestServer.url(server) + "/s/";
            Http.Reply created = http.post("/api/sessions", null, "{}");
            String id = created.json().getString("sessionId");
            String code = created.json().getString("joinCode");

            SessionPage wrongCode = SessionPage.join(browser, base + id + "#WRONGWRONG12." + SECRET, false);
            wrongCode.waitForText("The join code in this link is wrong", Duration.ofSeconds(10));
            wrongCode.waitForText("The link may be mistyped or cut short: check it with the sender.", Duration.ofSeconds(1));
            browser.screenshot(PageToPageTest.SCREENSHOTS.resolve("join-wrong-code.png"));

            SessionPage unknown = SessionPage.join(browser, base + Ids.random() + "#" + code + "." + SECRET, false);
            unknown.waitForText("There is no such session", Duration.ofSeconds(10));
            unknown.waitForText("It expired (a session ends a while after everyone has left), or the link is mistyped.",
                    Duration.ofSeconds(1));

            assertEquals(204, http.delete("/api/sessions/" + id, created.json().getString("token")).status());
            SessionPage ended = SessionPage.join(browser, base + id + "#" + code + "." + SECRET, false);
            ended.waitForText("The host ended this session", Duration.ofSeconds(10));
            ended.waitForText("Its link no longer works.", Duration.ofSeconds(1));
            browser.screenshot(PageToPageTest.SCREENSHOTS.resolve("join-session-ended.png"));
        }
    }

    /** The server going away is shown on the file list within seconds, and Download cannot be clicked into an error. */
    @Test
    void whenTheServerStopsTheReceiverSaysSoAndItsDownloadButtonsAreDisabled() throws Exception {
        Path file = TestFiles.random(dir, "report.pdf", 100_000, 9);
        Map<String, String> fixedPort = Map.of("PORT", Integer.toString(FreePort.find()));
        try (Browser browser = Browser.start(dir.resolve("downloads"))) {
            DragNShareServer server = TestServer.start(fixedPort, RelayTap.NONE);
            SessionPage receiver;
            try (Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), file.toString())) {
                receiver = SessionPage.join(browser, sending.link());
                receiver.waitForFiles(1);
                WebElement download = receiver.button("Download report.pdf");
                assertTrue(download.isEnabled());

                long stopping = System.nanoTime();
                server.close();
                Duration left = Duration.ofSeconds(5).minusNanos(System.nanoTime() - stopping);
                receiver.waitUntil("the list to say the server cannot be reached, with Download disabled", left,
                        () -> receiver.pageText().contains("The server cannot be reached, so downloads cannot start now.")
                                && !receiver.button("Download report.pdf").isEnabled()
                                && !browser.driver().findElement(By.id("download-all")).isEnabled());
                WebElement state = browser.driver().findElement(By.id("connection"));
                assertEquals("status", state.getAttribute("role"), "a live region: screen readers say each change");
                assertEquals("Connection lost — reconnecting…", state.getText());
                assertTrue(receiver.button("Download report.pdf").getAttribute("title").contains("cannot be reached"));
                browser.screenshot(PageToPageTest.SCREENSHOTS.resolve("receiver-server-down.png"));

                try (DragNShareServer again = TestServer.start(fixedPort, RelayTap.NONE)) {
                    receiver.waitUntil("the page to carry on once the server answers", Duration.ofSeconds(30),
                            () -> !browser.driver().findElement(By.id("files-unreachable")).isDisplayed()
                                    && state.getText().equals("Connected"));
                }
            } finally {
                server.close();
            }
        }
    }

    /**
     * A name that had to be made safe (no path, no reserved characters) is shown as the name the file
     * is saved under. (The jdk-client makes names safe before it shares them; a page shares them as they are.)
     */
    @Test
    void aNameThatHadToBeMadeSafeShowsTheNameItIsSavedAs() throws Exception {
        Path file = TestFiles.random(dir, "..notes: draft?.txt", 2_000, 10);
        try (DragNShareServer server = TestServer.start();
             Browser sharerBrowser = Browser.start(dir.resolve("sharer"));
             Browser browser = Browser.start(dir.resolve("downloads"))) {
            SessionPage sharer = SessionPage.share(sharerBrowser, TestServer.url(server), file);
            SessionPage receiver = SessionPage.join(browser, sharer.inviteLink());
            receiver.waitForFiles(1);
            receiver.waitForText("Saved as “notes_ draft_.txt”", Duration.ofSeconds(5));
            receiver.download("..notes: draft?.txt");
            Path saved = receiver.awaitDownload("notes_ draft_.txt", Files.size(file), Duration.ofSeconds(30));
            assertTrue(TestFiles.sameBytes(file, saved));
            assertTrue(receiver.transfersText().contains("Saved as “notes_ draft_.txt”"), receiver.transfersText());
            assertEquals(List.of("notes_ draft_.txt"), receiver.downloadedNames(), "saved under the name the page showed");
        }
    }
}
