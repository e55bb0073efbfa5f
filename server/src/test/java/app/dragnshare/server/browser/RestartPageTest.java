package app.dragnshare.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.ServerProcess;
import app.dragnshare.server.testing.TestFiles;

/**
 * The one-command server (embedded Redis, no JWT_KEY) restarted under open pages: on its data
 * folder, the session goes on; without it, the host is told and starts over with the same files.
 */
@Tag("browser")
class RestartPageTest {
    private static final Duration BACK_AGAIN = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private static Map<String, String> oneCommand(Path data) {
        return Map.of("REDIS_URL", "", "JWT_KEY", "", "DATA_DIR", data.toString());
    }

    @Test
    void theSharerPageReconnectsAfterARestartAndTheReceiverDownloadsWithTheSameLink() throws Exception {
        Path data = dir.resolve("data");
        Path file = TestFiles.random(dir, "slides.pdf", 2_500_000, 51);
        ServerProcess first = ServerProcess.start(oneCommand(data));
        int port = first.port();
        try (Browser sharerBrowser = Browser.start(dir.resolve("sharer-downloads"));
             Browser receiverBrowser = Browser.start(dir.resolve("receiver-downloads"))) {
            SessionPage sharer = SessionPage.share(sharerBrowser, first.url(), file);
            String link = sharer.inviteLink();
            SessionPage receiver = SessionPage.join(receiverBrowser, link);
            receiver.waitForFiles(1);

            assertTrue(first.stop(30), "the server stopped:\n" + first.log());
            sharer.waitForText("reconnecting", Duration.ofSeconds(20));
            try (ServerProcess second = ServerProcess.start(oneCommand(data), port)) {
                sharer.waitUntil("the sharer's page to be connected again", BACK_AGAIN,
                        () -> "Connected".equals(connection(sharer)));
                receiver.waitUntil("the receiver's page to be connected again", BACK_AGAIN,
                        () -> "Connected".equals(connection(receiver)));
                receiver.waitForFiles(1);
                receiver.download("slides.pdf");
                Path saved = receiver.awaitDownload("slides.pdf", Files.size(file), Duration.ofSeconds(60));
                assertTrue(TestFiles.sameBytes(file, saved), "the receiver's page saved the same bytes");

                Path out = dir.resolve("cli-out");
                Cli.Result fresh = Cli.run(60, "receive", link, "--out", out.toString());
                assertEquals(0, fresh.exitCode(), "the same link works for a newcomer: " + fresh.stderr());
                assertTrue(TestFiles.sameBytes(file, out.resolve("slides.pdf")));
                assertEquals(link, sharer.inviteLink(), "the sharer's link did not change");
                noErrors(sharer, first, second);
                noErrors(receiver, first, second);
            }
        } finally {
            first.close();
        }
    }

    /** Restarted without its data folder (another DATA_DIR stands for a deleted one): the session is really gone. */
    @Test
    void aHostWhoseSessionIsGoneIsToldSoAndStartsANewSessionWithTheSameFiles() throws Exception {
        Path file = TestFiles.random(dir, "plans.dwg", 700_000, 52);
        ServerProcess first = ServerProcess.start(oneCommand(dir.resolve("data")));
        int port = first.port();
        try (Browser browser = Browser.start(dir.resolve("downloads"))) {
            SessionPage sharer = SessionPage.share(browser, first.url(), file);
            String oldLink = sharer.inviteLink();
            assertTrue(leavingWouldAsk(sharer), "while it shares, leaving the page asks first");

            assertTrue(first.stop(30), "the server stopped:\n" + first.log());
            try (ServerProcess forgetful = ServerProcess.start(oneCommand(dir.resolve("lost")), port)) {
                sharer.waitForText("This session is gone", BACK_AGAIN);
                assertTrue(sharer.pageText().contains("Your file is still in this tab"), sharer.pageText());
                assertFalse(leavingWouldAsk(sharer), "a dead session's page does not ask \"Leave site?\"");

                sharer.button("Start a new session with these files").click();
                sharer.waitUntil("the new session", () -> browser.driver().findElement(By.id("room-view")).isDisplayed());
                sharer.waitForFiles(1);
                String newLink = sharer.inviteLink();
                assertNotEquals(oldLink, newLink);
                assertTrue(leavingWouldAsk(sharer), "the new session shares again");

                Path out = dir.resolve("out");
                Cli.Result received = Cli.run(60, "receive", newLink, "--out", out.toString());
                assertEquals(0, received.exitCode(), received.stderr());
                assertTrue(TestFiles.sameBytes(file, out.resolve("plans.dwg")), "the same file, from the same tab");
                sharer.assertNoErrors();
            }
        } finally {
            first.close();
        }
    }

    /** The page shows no error notice; if it does, the servers' logs say why. */
    private static void noErrors(SessionPage page, ServerProcess... servers) throws java.io.IOException {
        try {
            page.assertNoErrors();
        } catch (AssertionError e) {
            StringBuilder logs = new StringBuilder();
            for (ServerProcess server : servers) {
                logs.append("\n--- server log:\n").append(server.log());
            }
            throw new AssertionError(e.getMessage() + logs, e);
        }
    }

    private static String connection(SessionPage page) {
        return page.browser().driver().findElement(By.id("connection")).getText();
    }

    /** Whether the page would hold the person back with "Leave site?": its beforeunload handler cancels the event. */
    private static boolean leavingWouldAsk(SessionPage page) {
        return (Boolean) page.browser().driver().executeScript(
                "const e = new Event('beforeunload', { cancelable: true }); window.dispatchEvent(e); return e.defaultPrevented;");
    }
}
