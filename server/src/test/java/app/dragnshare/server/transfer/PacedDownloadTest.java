package app.dragnshare.server.transfer;

import static app.dragnshare.server.testing.RedisKeys.assertEventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.client.api.ApiException;
import app.dragnshare.client.api.EventStream;
import app.dragnshare.client.api.Invite;
import app.dragnshare.client.api.Membership;
import app.dragnshare.client.api.RemoteFile;
import app.dragnshare.client.api.ServerApi;
import app.dragnshare.client.api.ServerEvent;
import app.dragnshare.client.api.SharerConnection;
import app.dragnshare.client.crypto.TransferKeys;
import app.dragnshare.client.json.JsonFields;
import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.Http;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.RedisKeys;
import app.dragnshare.server.testing.TestServer;

/**
 * A paced download (PROTOCOL.md §7, {@code "pace": true}) runs at most two chunks ahead of what its
 * receiver acknowledged on its member socket — on the stream's instance or another — and never
 * stalls for want of acknowledgements: a receiver that stops sending them, or whose socket closes,
 * gets the rest unpaced. A real CLI shares a 16-chunk file; the receiver is written from the
 * protocol and only counts what arrives (the server cannot tell).
 */
class PacedDownloadTest {
    private static final int CHUNKS = 16;
    private static final long SIZE = CHUNKS * 256L * 1024;
    /** Long enough for a chunk the server wrongly wrote to arrive on loopback. */
    private static final long NOTHING_MORE_MILLIS = 1_000;

    private static DragNShareServer first;
    private static DragNShareServer second;

    @TempDir
    static Path dir;

    @BeforeAll
    static void startTwoInstances() {
        first = TestServer.start();
        second = TestServer.start();
    }

    @AfterAll
    static void stop() {
        first.close();
        second.close();
    }

    @Test
    void theStreamRunsTwoChunksAheadOfTheReceiversAcknowledgementsAndOfNoOneElses() throws Exception {
        try (Cli.Sending sending = share("ahead.bin", 71);
             Download download = Download.join(sending.link(), first);
             SharerConnection acks = download.socket(first);
             SharerConnection stranger = Download.join(sending.link(), first).socket(first)) {
            download.request(first); // after the joins: the stream's patience (5 s) starts with its first wait
            download.expectChunks(0, 1);
            download.expectNothingMore("before any acknowledgement");

            ack(stranger, download.transferId, 2);
            download.expectNothingMore("after another member's acknowledgement");

            ack(acks, download.transferId, 1);
            download.expectChunks(2);
            download.expectNothingMore("one acknowledged: chunks 1 and 2 are on their way");

            download.ackEachChunkToTheEnd(acks, 2);
        }
    }

    @Test
    void anAcknowledgementOnAnotherInstanceReachesTheStream() throws Exception {
        try (Cli.Sending sending = share("across.bin", 72);
             Download download = Download.join(sending.link(), first);
             SharerConnection acks = download.socket(second);
             SharerConnection stranger = Download.join(sending.link(), second).socket(second)) {
            download.request(first);
            download.expectChunks(0, 1);
            ack(stranger, download.transferId, 2); // through Redis too: the script checks who acknowledges
            download.expectNothingMore("after another member's acknowledgement");
            ack(acks, download.transferId, 1);
            download.expectChunks(2);
            // still paced: the acknowledgement moved the stream, not its patience running out
            download.expectNothingMore("after the first acknowledgement");
            download.ackEachChunkToTheEnd(acks, 2);
            assertEventually(() -> RedisKeys.keys("dns:t:{" + download.transferId + "}:pace-wake").isEmpty()
                    && RedisKeys.keys("dns:t:{" + download.transferId + "}:acked").isEmpty(),
                    "the stream's pacing keys are gone with it");
        }
    }

    @Test
    void aReceiverThatAcknowledgesNothingGetsTheRestUnpacedAfterAWhile() throws Exception {
        try (Cli.Sending sending = share("patience.bin", 73);
             Download download = Download.start(sending.link(), first)) {
            download.expectChunks(0, 1);
            download.expectNothingMore("the stream waits for acknowledgements first");
            long waited = System.nanoTime();
            for (int i = 2; i < CHUNKS; i++) {
                download.expectChunks(i);
            }
            assertEquals("end", download.next().name());
            assertTrue(System.nanoTime() - waited > 2_000_000_000L, "it waited a while before it gave up pacing");
        }
    }

    @Test
    void aReceiverThatLostOnlyItsSocketGetsTheRestUnpaced() throws Exception {
        try (Cli.Sending sending = share("socket-lost.bin", 74);
             Download download = Download.start(sending.link(), first)) {
            SharerConnection acks = download.socket(first);
            download.expectChunks(0, 1);
            acks.close();
            // the stream looks whether the receiver is still there (a comment on the stream), then waits
            // out its patience and writes the rest
            for (int i = 2; i < CHUNKS; i++) {
                download.expectChunks(i);
            }
            assertEquals("end", download.next().name());
        }
    }

    @Test
    void aReceiverThatDiesWithItsSocketIsNoticedWithinSeconds() throws Exception {
        try (Cli.Sending sending = share("died.bin", 76);
             Download download = Download.start(sending.link(), first)) {
            SharerConnection acks = download.socket(first);
            download.expectChunks(0, 1);
            assertEquals(1, first.runningDownloads());
            acks.close();
            download.stream.close(); // as a killed receiver: both its connections go at once
            long gone = System.nanoTime();
            assertEventually(() -> first.runningDownloads() == 0, "the stream ended", Duration.ofSeconds(10));
            // its patience with a silent receiver is 5 s: the stream looked at once instead
            assertTrue(System.nanoTime() - gone < 4_000_000_000L, "the stream ended "
                    + (System.nanoTime() - gone) / 1_000_000 + " ms after the receiver went; it must not wait out its patience");
        }
    }

    @Test
    void badPaceFieldsAndAcknowledgementsAreRefused() throws Exception {
        try (Cli.Sending sending = share("bad.bin", 75)) {
            Download member = Download.join(sending.link(), first);
            Http http = new Http(TestServer.url(first));
            Http.Reply reply = http.post("/api/sessions/" + member.me.sessionId() + "/files/" + member.file.id() + "/transfers",
                    member.me.token(), "{\"transferId\":\"" + randomId() + "\",\"publicKey\":\"" + member.publicKey()
                            + "\",\"hmac\":\"" + Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32])
                            + "\",\"pace\":\"yes\"}");
            assertEquals(400, reply.status(), reply.body());
            assertEquals("\"pace\" must be true or false", reply.json().getString("message"), reply.body());

            for (String verified : List.of("-1", "1.5", "\"3\"", "9007199254740993")) {
                CompletableFuture<Integer> closedWith = new CompletableFuture<>();
                SharerConnection socket = member.socket(first, closedWith);
                socket.sendTextAsync("{\"type\":\"ack\",\"transferId\":\"" + randomId() + "\",\"verified\":" + verified + "}").join();
                int code = closedWith.get(10, TimeUnit.SECONDS);
                assertEquals(4400, code, "\"verified\": " + verified + " is a protocol violation");
            }
        }
    }

    private Cli.Sending share(String name, int seed) throws Exception {
        Path file = TestFiles.random(dir, name, SIZE, seed);
        return Cli.send("--server", TestServer.url(first).toString(), file.toString());
    }

    private static void ack(SharerConnection socket, String transferId, long verified) {
        socket.sendText(Map.of("type", "ack", "transferId", transferId, "verified", verified));
    }

    private static String randomId() {
        byte[] id = new byte[16];
        new SecureRandom().nextBytes(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(id);
    }

    /** A member of the session downloading its one file, paced, event by event. */
    private static final class Download implements AutoCloseable {
        private final String link;
        private final Membership me;
        private final RemoteFile file;
        private final String transferId = randomId();
        private final BlockingQueue<ServerEvent> events = new LinkedBlockingQueue<>();
        private final List<SharerConnection> sockets = new ArrayList<>();
        private EventStream stream;
        private Thread reader;

        private Download(String link, Membership me, RemoteFile file) {
            this.link = link;
            this.me = me;
            this.file = file;
        }

        static Download join(String link, DragNShareServer via) throws Exception {
            ServerApi api = api(via);
            Invite invite = Invite.parse(link);
            Membership me = api.join(invite.sessionId(), invite.joinCode());
            return new Download(link, me, api.listFiles(me).getFirst());
        }

        static Download start(String link, DragNShareServer via) throws Exception {
            Download download = join(link, via);
            download.request(via);
            return download;
        }

        String publicKey() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(new TransferKeys().publicKey());
        }

        void request(DragNShareServer via) throws Exception {
            byte[] key = new TransferKeys().publicKey();
            String hmac = Base64.getUrlEncoder().withoutPadding().encodeToString(
                    Invite.parse(link).keys().requestMac(transferId, file.id(), key, 0));
            stream = api(via).download(me, file.id(), transferId, Base64.getUrlEncoder().withoutPadding().encodeToString(key),
                    hmac, 0, true, 4 << 20);
            reader = Thread.ofVirtual().start(() -> {
                try {
                    for (ServerEvent e; (e = stream.next()) != null; ) {
                        events.add(new ServerEvent(e.name(), e.id(), e.data(), 0, e.length()));
                    }
                } catch (Exception e) {
                    events.add(new ServerEvent("closed: " + e, null, new byte[0], 0, 0));
                }
            });
            assertEquals("offer", next().name(), "the sharer's offer comes first");
        }

        /** This member's socket on {@code via}, on which it acknowledges. */
        SharerConnection socket(DragNShareServer via) throws ApiException, app.dragnshare.client.api.UnreachableException {
            return socket(via, new CompletableFuture<>());
        }

        SharerConnection socket(DragNShareServer via, CompletableFuture<Integer> closedWith)
                throws ApiException, app.dragnshare.client.api.UnreachableException {
            SharerConnection socket = SharerConnection.open(api(via), me.token(), new SharerConnection.Handler() {
                @Override
                public void onMessage(JsonFields message) {
                }

                @Override
                public void onClosed(int code, String reason) {
                    closedWith.complete(code);
                }
            });
            sockets.add(socket);
            return socket;
        }

        ServerEvent next() throws InterruptedException {
            ServerEvent event = events.poll(30, TimeUnit.SECONDS);
            assertNotNull(event, "an event within 30 s");
            return event;
        }

        void expectChunks(int... indexes) throws InterruptedException {
            for (int index : indexes) {
                ServerEvent event = next();
                assertEquals("chunk", event.name(), "chunk " + index + " comes next");
                assertEquals(Integer.toString(index), event.id());
            }
        }

        /** Acknowledges chunks from {@code verified} on, one by one as each next one arrives, and expects the end. */
        void ackEachChunkToTheEnd(SharerConnection acks, int verified) throws InterruptedException {
            for (; verified < CHUNKS; verified++) {
                ack(acks, transferId, verified);
                if (verified + 1 < CHUNKS) {
                    expectChunks(verified + 1);
                }
            }
            assertEquals("end", next().name(), "the stream ends after the last chunk");
        }

        void expectNothingMore(String when) throws InterruptedException {
            ServerEvent event = events.poll(NOTHING_MORE_MILLIS, TimeUnit.MILLISECONDS);
            assertNull(event, () -> "nothing more " + when + ", but " + event.name() + " " + event.id() + " came");
        }

        @Override
        public void close() throws Exception {
            for (SharerConnection socket : sockets) {
                socket.close();
            }
            if (stream != null) {
                stream.close();
                reader.join(10_000);
            }
        }

        private static ServerApi api(DragNShareServer via) {
            return new ServerApi(TestServer.url(via));
        }
    }
}
