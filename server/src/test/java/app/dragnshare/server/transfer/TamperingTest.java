package app.dragnshare.server.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.client.crypto.TransferKeys;
import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;
import app.dragnshare.server.relay.Messages;
import app.dragnshare.server.relay.RelayTap;

/**
 * A relay that swaps a public key (a server playing man-in-the-middle) is caught by the HMACs:
 * the transfer stops with the tampering error and no file that looks complete is written.
 */
class TamperingTest {
    @TempDir
    Path dir;

    /** Puts the relay's own key where a client's key was, keeping the client's HMAC. */
    private static JsonObject withSwappedKey(JsonObject message) {
        String relayKey = Base64.getUrlEncoder().withoutPadding().encodeToString(new TransferKeys().publicKey());
        return Json.createObjectBuilder(message).add("publicKey", relayKey).build();
    }

    @Test
    void swappedReceiverKeyIsRefusedBySharer() throws Exception {
        RelayTap swapRequest = new RelayTap() {
            @Override
            public JsonObject request(JsonObject request) {
                return withSwappedKey(request);
            }
        };
        // the sharer cannot tell a swapped key from a receiver whose link's secret is mistyped: both are said
        assertTamperingStopsTheTransfer(swapRequest, "the invite link may be incomplete or mistyped (check it with the sender); "
                + "otherwise someone altered the connection");
    }

    @Test
    void swappedSharerKeyIsRefusedByReceiver() throws Exception {
        RelayTap swapOffer = new RelayTap() {
            @Override
            public JsonObject offer(JsonObject offer) {
                return withSwappedKey(offer);
            }
        };
        assertTamperingStopsTheTransfer(swapOffer, "tampering detected");
    }

    /**
     * A relay that asks for chunk 0 again (after chunk 1) would make a sharer that obeys encrypt
     * chunk 0 twice under one key and nonce. The sharer sends every index once and stops the
     * transfer as tampering; the receiver hears so and saves nothing.
     */
    @Test
    void aRepeatedPullIsRefusedBySharer() throws Exception {
        Queue<Long> started = new ConcurrentLinkedQueue<>();
        RelayTap repeatChunkZero = new RelayTap() {
            @Override
            public List<JsonObject> pull(JsonObject pull) {
                if (pull.getJsonNumber("index").longValue() != 1) {
                    return List.of(pull);
                }
                return List.of(pull, Messages.pull(pull.getString("transferId"), 0));
            }

            @Override
            public void chunkStarted(String transferId, long index) {
                started.add(index);
            }
        };
        try (DragNShareServer server = TestServer.start(Map.of(), repeatChunkZero)) {
            Path file = TestFiles.random(dir, "ledger.xlsx", 2_000_000, 23); // 8 chunks of 256 KiB
            Path out = Files.createDirectories(dir.resolve("out"));
            try (Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), file.toString())) {
                Cli.Result result = Cli.run(60, "receive", sending.link(), "--out", out.toString());
                List<Long> sent = new ArrayList<>(started);
                Set<Long> distinct = new HashSet<>(sent);
                assertEquals(distinct.size(), sent.size(), "each chunk index reached the relay once: " + sent);
                assertTrue(sending.stderrText().contains("tampering detected: the server asked for chunk 0"),
                        sending.stderrText());
                assertEquals(6, result.exitCode(), "exit code 6 means tampering: " + result.stderr());
                assertTrue(result.stderr().contains("altered"), result.stderr());
                try (var listing = Files.list(out)) {
                    assertEquals(0, listing.count(), "nothing is written, not even a temporary file");
                }
            }
        }
    }

    private void assertTamperingStopsTheTransfer(RelayTap tap, String said) throws Exception {
        try (DragNShareServer server = TestServer.start(Map.of(), tap)) {
            Path file = TestFiles.random(dir, "secret.pdf", 600_000, 21);
            Path out = Files.createDirectories(dir.resolve("out"));
            try (Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), file.toString())) {
                Cli.Result result = Cli.run(60, "receive", sending.link(), "--out", out.toString());
                assertEquals(6, result.exitCode(), "exit code 6 means tampering: " + result.stderr());
                assertTrue(result.stderr().contains(said), result.stderr());
                try (var listing = Files.list(out)) {
                    assertEquals(0, listing.count(), "nothing is written, not even a temporary file");
                }
            }
        }
    }

    /**
     * A link whose secret was mistyped fails the same integrity checks as a tampering relay (the
     * two cannot be told apart); the user hears both possibilities once, the link first, and nothing
     * is saved; the sharer hears that someone with a mistyped link asked.
     */
    @Test
    void aMistypedSecretSaysToCheckTheLink() throws Exception {
        try (DragNShareServer server = TestServer.start(Map.of(), RelayTap.NONE)) {
            Path file = TestFiles.random(dir, "notes.txt", 10_000, 22);
            Path out = dir.resolve("mistyped");
            try (Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), file.toString())) {
                String link = sending.link();
                int at = link.length() - 10; // inside the secret, where every bit of a base64url letter counts
                String mistyped = link.substring(0, at) + (link.charAt(at) == 'A' ? 'g' : 'A') + link.substring(at + 1);
                Cli.Result result = Cli.run(60, "receive", mistyped, "--out", out.toString());
                assertEquals(6, result.exitCode(), result.stderr());
                assertTrue(result.stderr().contains("notes.txt: the sharer could not verify this download request against the "
                        + "session's key: the invite link may be incomplete or mistyped (check it with the sender); otherwise "
                        + "someone altered the connection"), result.stderr());
                assertEquals(1, result.stderr().split("mistyped", -1).length - 1, "said once: " + result.stderr());
                assertTrue(!result.stderr().contains("tampering detected"), "not called an attack: " + result.stderr());
                assertTrue(!Files.exists(out.resolve("notes.txt")), "nothing saved");
                assertTrue(sending.stderrText().contains("warning: someone with an incomplete or mistyped invite link asked "
                        + "for notes.txt; nothing was sent"), sending.stderrText());
            }
        }
    }

    /**
     * The same for a tree of more files than run at once: the first refusal stops the running
     * downloads and drops the queued ones, and receive ends (it used to wait for ever on the
     * dropped ones).
     */
    @Test
    void aMistypedSecretStopsEveryDownloadOfATree() throws Exception {
        try (DragNShareServer server = TestServer.start(Map.of(), RelayTap.NONE)) {
            Path tree = Files.createDirectories(dir.resolve("in/tree"));
            for (int i = 0; i < 20; i++) {
                TestFiles.random(tree, "file-" + i + ".txt", 5_000, 100 + i);
            }
            Path out = dir.resolve("mistyped-tree");
            try (Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), tree.toString())) {
                String link = sending.link();
                int at = link.length() - 10;
                String mistyped = link.substring(0, at) + (link.charAt(at) == 'A' ? 'g' : 'A') + link.substring(at + 1);
                Cli.Result result = Cli.run(60, "receive", mistyped, "--out", out.toString());
                assertEquals(6, result.exitCode(), result.stderr());
                assertTrue(result.stderr().contains("the invite link may be incomplete or mistyped"), result.stderr());
                try (var saved = Files.walk(out)) {
                    assertEquals(0, saved.filter(Files::isRegularFile).count(), "nothing saved");
                }
            }
        }
    }
}
