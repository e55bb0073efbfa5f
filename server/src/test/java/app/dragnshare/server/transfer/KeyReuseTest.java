package app.dragnshare.server.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.client.api.ApiException;
import app.dragnshare.client.api.EventStream;
import app.dragnshare.client.api.Invite;
import app.dragnshare.client.api.Membership;
import app.dragnshare.client.api.RemoteFile;
import app.dragnshare.client.api.ServerApi;
import app.dragnshare.client.api.ServerEvent;
import app.dragnshare.client.crypto.OfferTerms;
import app.dragnshare.client.crypto.SessionKeys;
import app.dragnshare.client.crypto.TransferKeys;
import app.dragnshare.client.json.JsonFields;
import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.KeyWatch;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;

/**
 * Key pairs kept for several transfers (PROTOCOL.md §4.10), with the real CLIs, server and
 * Redis: one {@code receive} asks with one key pair and the sharer answers it with one, and
 * every file still arrives and is confirmed; a request replayed with the same transferId and key
 * gets another key pair from the sharer (the same pair would give it the same chunk key and
 * nonces), while a new transferId with that key gets the kept pair.
 */
class KeyReuseTest {
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final SecureRandom RANDOM = new SecureRandom();

    @TempDir
    Path dir;

    @Test
    void oneReceiveAsksWithOnePairAndTheSharerAnswersItWithOne() throws Exception {
        KeyWatch watch = new KeyWatch();
        try (DragNShareServer server = TestServer.start(Map.of(), watch)) {
            Path tree = Files.createDirectories(dir.resolve("in/tree"));
            for (int i = 0; i < 6; i++) {
                TestFiles.random(Files.createDirectories(tree.resolve("f" + i % 2)), "file" + i + ".bin", 1_000 + 3_000 * i, i);
            }
            Path out = dir.resolve("out");
            try (Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), "--once", tree.toString())) {
                Cli.Result received = Cli.run(120, "receive", sending.link(), "--out", out.toString());
                assertEquals(0, received.exitCode(), received.stderr());
                for (int i = 0; i < 6; i++) {
                    String name = "f" + i % 2 + "/file" + i + ".bin";
                    assertTrue(TestFiles.sameBytes(tree.resolve(name), out.resolve("tree").resolve(name)), name);
                }
                assertEquals(6, Set.copyOf(watch.transferIds).size(), "six requests, each with its own transferId: " + watch.transferIds);
                assertEquals(1, watch.receiverKeys.size(), "one receiver key for the run's requests: " + watch.receiverKeys);
                assertEquals(1, watch.sharerKeys.size(), "one sharer key for that receiver key: " + watch.sharerKeys);
                assertEquals(0, sending.awaitExit(30), "every receipt verified under the kept pairs: " + sending.stderrText());
            }
        }
    }

    @Test
    void aReplayedRequestGetsAnotherPairAndANewTransferIdTheKeptOne() throws Exception {
        try (DragNShareServer server = TestServer.start()) {
            Path file = TestFiles.random(dir, "note.txt", 5_000, 31);
            byte[] bytes = Files.readAllBytes(file);
            try (Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), file.toString())) {
                Invite invite = Invite.parse(sending.link());
                SessionKeys keys = invite.keys();
                ServerApi api = new ServerApi(invite.server());
                Membership me = api.join(invite.sessionId(), invite.joinCode());
                RemoteFile remote = api.listFiles(me).getFirst();
                TransferKeys mine = new TransferKeys(); // the receiver's one pair for all three requests
                String first = newTransferId();

                String sharerKey = download(api, me, keys, remote, mine, first, bytes);
                assertEquals(sharerKey, download(api, me, keys, remote, mine, newTransferId(), bytes),
                        "a new transferId with the same receiver key is answered with the kept pair");
                // the same request again, as a relay that kept it would replay it: same transferId, key and HMAC
                String replayedKey = download(api, me, keys, remote, mine, first, bytes);
                assertNotEquals(sharerKey, replayedKey, "a replayed transferId never gets the kept pair");
            }
        }
    }

    /** One whole download of a one-chunk file, checked and confirmed; returns the sharer's key in the offer. */
    private static String download(ServerApi api, Membership me, SessionKeys keys, RemoteFile file, TransferKeys mine,
                                   String transferId, byte[] expected) throws Exception {
        byte[] receiverKey = mine.publicKey();
        String mac = BASE64URL.encodeToString(keys.requestMac(transferId, file.id(), receiverKey, 0));
        long deadline = System.nanoTime() + 30_000_000_000L;
        EventStream stream;
        while (true) {
            try {
                stream = api.download(me, file.id(), transferId, BASE64URL.encodeToString(receiverKey), mac, 0, false, 1 << 20);
                break;
            } catch (ApiException e) { // the id of an ended transfer is free again once the server has cleared it
                if (!"transfer-exists".equals(e.code()) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
        try (EventStream events = stream) {
            JsonFields offer = JsonFields.parse(next(events, "offer").text());
            OfferTerms terms = new OfferTerms(offer.base64Url("publicKey"), offer.string("name"), offer.number("size"),
                    offer.number("chunkSize"), offer.number("chunks"), 0);
            byte[] offerMac = offer.base64Url("hmac");
            keys.verifyOffer(transferId, file.id(), receiverKey, terms, offerMac);
            TransferKeys.Agreed agreed = mine.agree(keys, transferId, terms.senderKey(), true);
            byte[] chunk = Base64.getDecoder().decode(next(events, "chunk").text());
            assertArrayEquals(expected, agreed.cipher().open(0, true, chunk), "the chunk opens with this transfer's key");
            next(events, "end");
            api.report(me, transferId, 1, BASE64URL.encodeToString(
                    SessionKeys.receipt(agreed.receiptKey(), transferId, offerMac, 1)), null);
            return offer.string("publicKey");
        }
    }

    private static ServerEvent next(EventStream events, String name) throws Exception {
        ServerEvent event = events.next();
        if (event == null || !event.name().equals(name)) {
            throw new AssertionError("expected " + name + ", got " + (event == null ? "the end" : event.name() + " " + event.text()));
        }
        return event;
    }

    private static String newTransferId() {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return BASE64URL.encodeToString(id);
    }
}
