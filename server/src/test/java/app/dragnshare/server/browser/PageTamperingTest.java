package app.dragnshare.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.client.crypto.TransferKeys;
import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;
import app.dragnshare.server.relay.RelayTap;

/**
 * A relay that swaps a public key (the server as man-in-the-middle) is caught by the pages'
 * HMAC checks: the receiver's page says the connection was tampered with and saves nothing.
 */
@Tag("browser")
class PageTamperingTest {
    private static final String TAMPERED = "The connection was tampered with";

    @TempDir
    Path dir;

    /** Puts the relay's own key where a member's key was, keeping the member's HMAC. */
    private static JsonObject withSwappedKey(JsonObject message) {
        String relayKey = Base64.getUrlEncoder().withoutPadding().encodeToString(new TransferKeys().publicKey());
        return Json.createObjectBuilder(message).add("publicKey", relayKey).build();
    }

    @Test
    void receiverPageRefusesASwappedSharerKey() throws Exception {
        RelayTap swapOffer = new RelayTap() {
            @Override
            public JsonObject offer(JsonObject offer) {
                return withSwappedKey(offer);
            }
        };
        downloadThrough(swapOffer, "offer", TAMPERED, (sharer, receiver) ->
                assertTrue(receiver.transfersText().contains("offer HMAC does not verify"), receiver.transfersText()));
    }

    @Test
    void sharerPageRefusesASwappedReceiverKey() throws Exception {
        RelayTap swapRequest = new RelayTap() {
            @Override
            public JsonObject request(JsonObject request) {
                return withSwappedKey(request);
            }
        };
        // the sharer cannot tell a swapped key from a receiver whose link's secret is mistyped: the pages say both, link first
        downloadThrough(swapRequest, "request", "The sharer could not verify this download request", (sharer, receiver) -> {
            sharer.waitForText("Someone with an incomplete or mistyped invite link tried to download “contract.pdf”",
                    Duration.ofSeconds(10));
            assertTrue(receiver.transfersText().contains("If it is exactly right, something altered the connection"),
                    receiver.transfersText());
        });
    }

    /**
     * A relay that asks the sharing page for chunk 0 again (after chunk 1) is tampering: the page
     * sends each index once, stops the transfer and says why; the receiver hears "tampered".
     */
    @Test
    void sharerPageRefusesARepeatedPull() throws Exception {
        Queue<Long> started = new ConcurrentLinkedQueue<>();
        RelayTap repeatChunkZero = new RelayTap() {
            @Override
            public List<JsonObject> pull(JsonObject pull) {
                if (pull.getJsonNumber("index").longValue() != 1) {
                    return List.of(pull);
                }
                return List.of(pull, Json.createObjectBuilder(pull).add("index", 0).build());
            }

            @Override
            public void chunkStarted(String transferId, long index) {
                started.add(index);
            }
        };
        Path file = TestFiles.random(dir, "ledger.xlsx", 2_000_000, 24); // 8 chunks of 256 KiB
        Path out = dir.resolve("cli-out");
        try (DragNShareServer server = TestServer.start(Map.of(), repeatChunkZero);
             Browser sharerBrowser = Browser.start(dir.resolve("sharer-downloads"))) {
            SessionPage sharer = SessionPage.share(sharerBrowser, TestServer.url(server), file);
            Cli.Result result = Cli.run(60, "receive", sharer.inviteLink(), "--out", out.toString());
            sharer.waitForText("the server asked for chunk 0 of “ledger.xlsx” where chunk 2 was due", Duration.ofSeconds(10));
            List<Long> sent = new ArrayList<>(started);
            assertEquals(new HashSet<>(sent).size(), sent.size(), "each chunk index reached the relay once: " + sent);
            assertEquals(6, result.exitCode(), "exit code 6 means tampering: " + result.stderr());
            assertTrue(result.stderr().contains("altered"), result.stderr());
            sharerBrowser.screenshot(PageToPageTest.SCREENSHOTS.resolve("sharer-tampered-pull.png"));
        }
    }

    /** Shares a file page to page through the tapped relay; checks run once the receiver shows the error. */
    private void downloadThrough(RelayTap tap, String swapped, String said, BiConsumer<SessionPage, SessionPage> checks)
            throws Exception {
        Path file = TestFiles.random(dir, "contract.pdf", 700_000, 3);
        try (DragNShareServer server = TestServer.start(Map.of(), tap);
             Browser sharerBrowser = Browser.start(dir.resolve("sharer-downloads"));
             Browser receiverBrowser = Browser.start(dir.resolve("receiver-downloads"))) {
            SessionPage sharer = SessionPage.share(sharerBrowser, TestServer.url(server), file);
            SessionPage receiver = SessionPage.join(receiverBrowser, sharer.inviteLink());
            receiver.waitForFiles(1);
            receiver.download("contract.pdf");
            receiver.waitForText(said, Duration.ofSeconds(30));
            assertTrue(receiver.transfersText().contains("Nothing was saved") || receiver.transfersText().contains("nothing was saved"),
                    receiver.transfersText());
            checks.accept(sharer, receiver);
            receiverBrowser.screenshot(PageToPageTest.SCREENSHOTS.resolve("receiver-tampered-" + swapped + ".png"));
            Thread.sleep(1000); // a download that had started would have reached the folder by now
            assertEquals(List.of(), receiver.downloadedNames(), "nothing is saved, not even a partial file");
        }
    }

    /** The receiving page also tells the sharer, so a CLI sharer's send --once counts the file as not delivered. */
    @Test
    void chunkAlteredOnTheWayStopsTheDownloadAndNothingIsSaved() throws Exception {
        Path file = TestFiles.random(dir, "ledger.xlsx", 3_000_000, 13); // 12 chunks: a few are written before the bad one
        try (DragNShareServer server = TestServer.start();
             ChunkAlteringTunnel tunnel = new ChunkAlteringTunnel(server.port());
             Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), "--once", file.toString());
             Browser browser = Browser.start(dir.resolve("receiver-downloads"))) {
            // the receiver reaches the server only through the altering relay
            String viaTunnel = sending.link().replace(":" + server.port() + "/", ":" + tunnel.port() + "/");
            SessionPage receiver = SessionPage.join(browser, viaTunnel);
            receiver.waitForFiles(1);
            receiver.download("ledger.xlsx");
            receiver.waitForText(TAMPERED, Duration.ofSeconds(30));
            assertTrue(tunnel.altered(), "the tunnel altered a chunk");
            assertTrue(receiver.transfersText().contains("does not decrypt"), receiver.transfersText());
            browser.screenshot(PageToPageTest.SCREENSHOTS.resolve("receiver-tampered-chunk.png"));
            receiver.waitUntil("the browser to drop the partial file", Duration.ofSeconds(15),
                    () -> receiver.partialDownloads().isEmpty());
            assertEquals(List.of(), receiver.downloadedNames(), "nothing half-written is kept as the file");
            // the page told the sharer (PROTOCOL.md §5.6): send --once counts the file as not delivered
            assertEquals(9, sending.awaitExit(30), "send --once: not delivered: " + sending.stderrText());
            assertTrue(sending.stderrText().contains("NOT delivered: ledger.xlsx"), sending.stderrText());
        }
    }
}
