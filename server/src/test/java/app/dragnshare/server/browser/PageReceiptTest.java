package app.dragnshare.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.client.api.EventStream;
import app.dragnshare.client.api.Invite;
import app.dragnshare.client.api.Membership;
import app.dragnshare.client.api.RemoteFile;
import app.dragnshare.client.api.ServerApi;
import app.dragnshare.client.api.ServerEvent;
import app.dragnshare.client.crypto.TransferKeys;
import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.ChunkAlterer;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;
import app.dragnshare.server.testing.Throttle;
import app.dragnshare.server.testing.Tunnel;
import app.dragnshare.server.relay.RelayTap;

/**
 * "Delivered" means verified by the receiver (PROTOCOL.md §4.9) on the page, both ways: a sharing
 * page's row follows the receiver's verified progress, never ahead of it, and says Done only on a
 * receipt that verifies; a transfer that ends without one is "not confirmed", a forged receipt or
 * a flipped byte is tampering; a receiving page's receipt is what the CLI's send --once counts.
 */
@Tag("browser")
class PageReceiptTest {
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    @TempDir
    Path dir;

    /**
     * A CLI receives on a slow line: at every look, the sharing page's bar is at most what the CLI
     * has verified and written (its hidden part, or the file once it has its name), and the row
     * says Done only once the file is complete.
     */
    @Test
    void theSharerRowFollowsTheReceiverAndSaysDoneOnlyAfterItVerified() throws Exception {
        long size = 24L * 1024 * 1024;
        Path file = TestFiles.random(dir, "thesis.pdf", size, 71);
        Path out = Files.createDirectories(dir.resolve("cli-out"));
        try (DragNShareServer server = TestServer.start();
             Tunnel receiverLine = new Tunnel(server.port(), () -> new Throttle(6_000_000));
             Browser browser = Browser.start(dir.resolve("downloads"))) {
            SessionPage sharer = SessionPage.share(browser, TestServer.url(server), file);
            String link = sharer.inviteLink().replace(":" + server.port() + "/", ":" + receiverLine.port() + "/");
            try (Cli.Running receiving = Cli.background("receive", link, "--out", out.toString())) {
                List<String> looks = new ArrayList<>();
                int midway = 0;
                while (receiving.process().isAlive()) {
                    double shown = sharer.transferPercent(); // first the sharer, then the receiver: it only grows
                    boolean done = sharer.transfersText().contains("Done");
                    double verified = 100.0 * written(out, "thesis.pdf") / size;
                    looks.add(String.format("%.2f<=%.2f", shown, verified));
                    assertTrue(shown <= verified + 1e-9, "the sharer's row ran ahead of the receiver: " + looks);
                    assertFalse(done && !Files.exists(out.resolve("thesis.pdf")), "Done before the receiver had the file");
                    if (shown > 0 && shown < 100) {
                        midway++;
                    }
                    Thread.sleep(100);
                }
                assertTrue(midway >= 5, "the row moved with the receiver: " + looks);
                Cli.Result result = receiving.await(10);
                assertEquals(0, result.exitCode(), result.stderr());
            }
            assertTrue(TestFiles.sameBytes(file, out.resolve("thesis.pdf")));
            sharer.waitUntil("Done on the receipt", Duration.ofSeconds(10),
                    () -> sharer.transfersText().contains("Done — delivered: the receiver verified every byte"));
            assertEquals(100.0, sharer.transferPercent());
            sharer.assertNoErrors();
        }
    }

    /** The page's receipt is the one the CLI checks: send --once exits 0 and says the receiver verified it. */
    @Test
    void theCliSharerCountsThePageReceiversReceipt() throws Exception {
        Path file = TestFiles.random(dir, "scan.tiff", 1_100_000, 72);
        try (DragNShareServer server = TestServer.start();
             Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), "--once", file.toString());
             Browser browser = Browser.start(dir.resolve("downloads"))) {
            SessionPage receiver = SessionPage.join(browser, sending.link());
            receiver.waitForFiles(1);
            receiver.download("scan.tiff");
            assertTrue(TestFiles.sameBytes(file, receiver.awaitDownload("scan.tiff", Files.size(file), Duration.ofSeconds(60))));
            assertEquals(0, sending.awaitExit(30), "send --once counted the page's receipt: " + sending.stderrText());
            assertTrue(sending.stderrText().contains("sent scan.tiff") && sending.stderrText().contains("the receiver verified every byte"),
                    sending.stderrText());
        }
    }

    /**
     * A relay flips a byte on its way to the receiving page: it stops, says so and tells the sharer
     * before it lets go of the stream, so the sharing page says the file was not delivered.
     */
    @Test
    void aFlippedByteIsTamperingAndTheSharerPageSaysNotDelivered() throws Exception {
        AtomicBoolean altered = new AtomicBoolean();
        Path file = TestFiles.random(dir, "contract.pdf", 3_000_000, 73);
        try (DragNShareServer server = TestServer.start();
             Tunnel relay = new Tunnel(server.port(), () -> new ChunkAlterer(altered));
             Browser sharerBrowser = Browser.start(dir.resolve("sharer-downloads"));
             Browser receiverBrowser = Browser.start(dir.resolve("receiver-downloads"))) {
            SessionPage sharer = SessionPage.share(sharerBrowser, TestServer.url(server), file);
            SessionPage receiver = SessionPage.join(receiverBrowser,
                    sharer.inviteLink().replace(":" + server.port() + "/", ":" + relay.port() + "/"));
            receiver.waitForFiles(1);
            receiver.download("contract.pdf");
            receiver.waitForText("The connection was tampered with", Duration.ofSeconds(30));
            assertTrue(altered.get(), "the relay flipped a byte");
            sharer.waitForText("the receiver found “contract.pdf” altered on the way and stopped, so it was not delivered",
                    Duration.ofSeconds(15));
            assertFalse(sharer.transfersText().contains("Done"), sharer.transfersText());
            sharerBrowser.screenshot(PageToPageTest.SCREENSHOTS.resolve("sharer-not-delivered-tampered.png"));
            assertEquals(List.of(), receiver.downloadedNames(), "nothing is saved");
        }
    }

    /** A receiver that downloads every chunk but sends no receipt (an older client, one that failed): not confirmed. */
    @Test
    void aTransferThatEndsWithoutAReceiptIsNotConfirmed() throws Exception {
        try (DragNShareServer server = TestServer.start(Map.of("RECEIPT_TIMEOUT", "2s"), RelayTap.NONE);
             Browser browser = Browser.start(dir.resolve("downloads"))) {
            SessionPage sharer = SessionPage.share(browser, TestServer.url(server),
                    TestFiles.random(dir, "minutes.docx", 700_000, 74));
            RawReceiver.downloadAll(sharer.inviteLink(), null);
            sharer.waitForText("Sent, but not confirmed", Duration.ofSeconds(15));
            assertFalse(sharer.transfersText().contains("Done"), sharer.transfersText());
            browser.screenshot(PageToPageTest.SCREENSHOTS.resolve("sharer-not-confirmed.png"));
            Axe.assertNoSeriousViolations(browser, "an upload not confirmed");
        }
    }

    /** A receipt the server made up (it cannot know the receipt key) fails the page's check: tampering, not Done. */
    @Test
    void aForgedReceiptIsTampering() throws Exception {
        try (DragNShareServer server = TestServer.start();
             Browser browser = Browser.start(dir.resolve("downloads"))) {
            SessionPage sharer = SessionPage.share(browser, TestServer.url(server),
                    TestFiles.random(dir, "minutes.docx", 700_000, 75));
            byte[] forged = new byte[32];
            new SecureRandom().nextBytes(forged);
            RawReceiver.downloadAll(sharer.inviteLink(), B64URL.encodeToString(forged));
            sharer.waitForText("the receipt for “minutes.docx” does not verify", Duration.ofSeconds(15));
            assertFalse(sharer.transfersText().contains("Done"), sharer.transfersText());
        }
    }

    /** Bytes of {@code name} the CLI has verified and written: its hidden part, or the whole file once renamed. */
    private static long written(Path out, String name) throws Exception {
        Path whole = out.resolve(name);
        try (var listing = Files.list(out)) {
            long part = listing.filter(p -> p.getFileName().toString().endsWith(".part"))
                    .mapToLong(p -> p.toFile().length()).max().orElse(0);
            return Files.exists(whole) ? Files.size(whole) : part;
        }
    }

    /**
     * A receiver written from the protocol, without decrypting: it asks for each file with a valid
     * HMAC, reads the stream to its end, then sends {@code receipt} (null: no receipt at all).
     */
    private static final class RawReceiver {
        static void downloadAll(String link, String receipt) throws Exception {
            Invite invite = Invite.parse(link);
            ServerApi api = new ServerApi(invite.server());
            Membership me = api.join(invite.sessionId(), invite.joinCode());
            for (RemoteFile file : api.listFiles(me)) {
                byte[] id = new byte[16];
                new SecureRandom().nextBytes(id);
                String transferId = B64URL.encodeToString(id);
                byte[] key = new TransferKeys().publicKey();
                String hmac = B64URL.encodeToString(invite.keys().requestMac(transferId, file.id(), key, 0));
                List<String> events = new ArrayList<>();
                try (EventStream stream = api.download(me, file.id(), transferId, B64URL.encodeToString(key), hmac, 0, false, 4 << 20)) {
                    for (ServerEvent event = stream.next(); event != null; event = stream.next()) {
                        events.add(event.name());
                    }
                }
                assertEquals("end", events.getLast(), "the whole stream came: " + events);
                if (receipt != null) {
                    long chunks = events.stream().filter("chunk"::equals).count();
                    api.report(me, transferId, chunks, receipt, null);
                }
            }
        }
    }
}
