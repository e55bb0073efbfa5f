package app.dragnshare.server.browser;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;

/**
 * Several receivers take one file at the same time; either side can stop a running transfer,
 * the other side is told why within seconds, and the stopped download is never saved as the file.
 */
@Tag("browser")
class TransferControlsTest {
    private static final String NAME = "raw footage.mov";
    private static final long SIZE = 200_000_000;

    @TempDir
    static Path shared;
    private static Path file;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeFile() throws Exception {
        file = TestFiles.random(shared, NAME, SIZE, 11);
    }

    @Test
    void twoReceiversDownloadOneFileAtOnce() throws Exception {
        Path small = TestFiles.random(dir, "poster.png", 3_000_000, 12);
        try (DragNShareServer server = TestServer.start();
             Browser sharerBrowser = Browser.start(dir.resolve("sharer"));
             Browser firstBrowser = Browser.start(dir.resolve("first"));
             Browser secondBrowser = Browser.start(dir.resolve("second"))) {
            SessionPage sharer = SessionPage.share(sharerBrowser, TestServer.url(server), small);
            SessionPage first = SessionPage.join(firstBrowser, sharer.inviteLink());
            SessionPage second = SessionPage.join(secondBrowser, sharer.inviteLink());
            first.waitForFiles(1);
            second.waitForFiles(1);
            first.download("poster.png");
            second.download("poster.png");
            for (SessionPage receiver : new SessionPage[] {first, second}) {
                Path saved = receiver.awaitDownload("poster.png", Files.size(small), Duration.ofSeconds(60));
                assertTrue(TestFiles.sameBytes(small, saved), "a receiver got altered bytes");
            }
            sharer.waitUntil("two finished uploads", () -> sharer.transfersText().split("Done", -1).length - 1 == 2);
            assertTrue(sharer.transfersText().contains("to " + memberName(first)), sharer.transfersText());
            assertTrue(sharer.transfersText().contains("to " + memberName(second)), sharer.transfersText());
        }
    }

    @Test
    void downloadsQueueBeyondThreeAtOnceAndGetEveryFile() throws Exception {
        Path[] files = new Path[6];
        for (int i = 0; i < files.length; i++) {
            files[i] = TestFiles.random(dir, "photo-" + i + ".jpg", 700_000 + i * 100_000L, 20 + i);
        }
        try (DragNShareServer server = TestServer.start();
             Browser sharerBrowser = Browser.start(dir.resolve("sharer"));
             Browser receiverBrowser = Browser.start(dir.resolve("receiver"))) {
            SessionPage sharer = SessionPage.share(sharerBrowser, TestServer.url(server), files);
            SessionPage receiver = SessionPage.join(receiverBrowser, sharer.inviteLink());
            receiver.waitForFiles(files.length);
            for (Path file : files) { // six clicks: three run, three wait ("Download all" makes one zip: FoldersPageTest)
                receiver.download(file.getFileName().toString());
            }
            for (Path file : files) {
                Path saved = receiver.awaitDownload(file.getFileName().toString(), Files.size(file), Duration.ofSeconds(60));
                assertTrue(TestFiles.sameBytes(file, saved), file.getFileName() + " arrived altered");
            }
        }
    }

    @Test
    void receiverCancelsAndTheSharerIsTold() throws Exception {
        stopMidway(false, "You cancelled this download.", "The receiver stopped the download");
    }

    @Test
    void sharerCancelsAndTheReceiverIsTold() throws Exception {
        stopMidway(true, "The sharer cancelled this transfer.", "You cancelled this transfer.");
    }

    private void stopMidway(boolean bySharer, String receiverSees, String sharerSees) throws Exception {
        try (DragNShareServer server = TestServer.start();
             Browser sharerBrowser = Browser.start(dir.resolve("sharer"));
             Browser receiverBrowser = Browser.start(dir.resolve("receiver"))) {
            SessionPage sharer = SessionPage.share(sharerBrowser, TestServer.url(server), file);
            SessionPage receiver = SessionPage.join(receiverBrowser, sharer.inviteLink());
            receiver.waitForFiles(1);
            receiver.download(NAME);
            receiver.waitUntil("bytes to move", () -> !receiverBrowser.driver()
                    .findElements(By.cssSelector(".transfer.receiving")).isEmpty() && !receiver.transfersText().contains(" 0 B of"));
            (bySharer ? sharer : receiver).button("Cancel " + NAME).click();
            receiver.waitForText(receiverSees, Duration.ofSeconds(15));
            sharer.waitForText(sharerSees, Duration.ofSeconds(15));
            Thread.sleep(2000); // let the browser settle what it wrote
            Path saved = receiverBrowser.downloads().resolve(NAME);
            assertTrue(!Files.exists(saved), "a stopped download must not be saved as the file; found "
                    + receiver.downloadedNames());
        }
    }

    private static String memberName(SessionPage page) {
        String you = page.browser().driver().findElement(By.id("member-list")).getText();
        return you.lines().filter(l -> l.endsWith("(you)")).findFirst().orElseThrow().replace(" (you)", "");
    }

    @Test
    void closingTheReceivingPageFailsTheDownloadInsteadOfSavingPartOfIt() throws Exception {
        // a closed page may leave its connection open and unread (the browser keeps it for a while):
        // the server ends a download whose receiver takes nothing for STALL_TIMEOUT
        try (DragNShareServer server = TestServer.start(java.util.Map.of("STALL_TIMEOUT", "5s"),
                app.dragnshare.server.relay.RelayTap.NONE);
             Browser sharerBrowser = Browser.start(dir.resolve("sharer"));
             Browser receiverBrowser = Browser.start(dir.resolve("receiver"))) {
            SessionPage sharer = SessionPage.share(sharerBrowser, TestServer.url(server), file);
            SessionPage receiver = SessionPage.join(receiverBrowser, sharer.inviteLink());
            receiver.waitForFiles(1);
            receiver.download(NAME);
            receiver.waitUntil("bytes to move", () -> !receiverBrowser.driver()
                    .findElements(By.cssSelector(".transfer.receiving")).isEmpty() && !receiver.transfersText().contains(" 0 B of"));
            receiver.waitUntil("the browser to be writing the file", () -> !receiver.partialDownloads().isEmpty());
            receiverBrowser.open(java.net.URI.create("about:blank")); // the person closes the page
            sharer.waitForText("The receiver stopped the download", Duration.ofSeconds(15));
            Path saved = receiverBrowser.downloads().resolve(NAME);
            // the service worker gives up on a silent page after 30 s; then the browser drops the partial file
            receiver.waitUntil("the browser to give up the partial download", Duration.ofSeconds(60),
                    () -> receiver.partialDownloads().isEmpty());
            assertTrue(!Files.exists(saved), "a download whose page closed must not be saved as the file; found "
                    + receiver.downloadedNames());
        }
    }
}
