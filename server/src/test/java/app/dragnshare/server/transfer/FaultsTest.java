package app.dragnshare.server.transfer;

import static app.dragnshare.server.testing.RedisKeys.assertEventually;
import static app.dragnshare.server.testing.RedisKeys.assertEveryKeyHasATtl;
import static app.dragnshare.server.testing.RedisKeys.keys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.ServerProcess;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestRedis;
import app.dragnshare.server.testing.TestServer;
import app.dragnshare.server.relay.RelayTap;

/**
 * When a side vanishes mid-transfer, the other learns within seconds, partial data is never
 * called complete, and the server is left as it was: no key without a TTL, no transfer, socket
 * or Redis connection still held, no thread left over.
 */
class FaultsTest {
    private static final long BIG = 400L * 1024 * 1024;
    private static final Map<String, String> FAST_PEER_TIMEOUT = Map.of("PEER_TIMEOUT", "3s");

    @TempDir
    Path dir;

    @Test
    void sharerDisconnectsMidTransfer() throws Exception {
        try (DragNShareServer server = TestServer.start(FAST_PEER_TIMEOUT, RelayTap.NONE)) {
            int threadsBefore = warmUp(server);
            Path file = TestFiles.zeros(dir, "big.iso", BIG);
            Path out = dir.resolve("out");
            Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), file.toString());
            CompletableFuture<Cli.Result> receiving = receiveAsync(sending.link(), out);
            TestFiles.awaitPartialDownload(out, 8 * 1024 * 1024);

            long killed = System.nanoTime();
            sending.process().destroyForcibly();
            Cli.Result result = receiving.get(30, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - killed) / 1e9;

            assertEquals(7, result.exitCode(), result.stderr());
            assertTrue(result.stderr().contains("sharer went away"), result.stderr());
            assertTrue(seconds < 5, "the receiver learned within seconds, not " + seconds);
            assertNothingLeft(out);
            assertServerIsClean(server, threadsBefore);
        }
    }

    @Test
    void receiverDisconnectsMidTransfer() throws Exception {
        try (DragNShareServer server = TestServer.start(FAST_PEER_TIMEOUT, RelayTap.NONE)) {
            int threadsBefore = warmUp(server);
            Path file = TestFiles.zeros(dir, "big.iso", BIG);
            Path out = dir.resolve("out");
            // other tests' transfers may still hold keys in the shared Redis (a receipt's wait lasts minutes)
            java.util.Set<String> earlier = new java.util.HashSet<>(keys("dns:t:*"));
            try (Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), file.toString())) {
                Process receiver = receiverProcess(sending.link(), out);
                TestFiles.awaitPartialDownload(out, 8 * 1024 * 1024);
                receiver.destroyForcibly();
                receiver.waitFor(10, TimeUnit.SECONDS);

                assertEventually(() -> server.activeTransfers() == 0, "the server let go of the transfer");
                assertEventually(() -> keys("dns:t:*").stream().allMatch(earlier::contains),
                        "its Redis state is gone: " + keys("dns:t:*") + " (before it: " + earlier + ")");
                assertEventually(() -> stderrOf(sending).contains("stopped"), "the sharer heard: " + stderrOf(sending));
                assertTrue(sending.process().isAlive(), "the sharer keeps serving");
                Files.walk(out).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());

                Path small = TestFiles.random(dir, "small.bin", 100_000, 41);
                // the same sharer still serves: a new download of its big file starts fine
                CompletableFuture<Cli.Result> again = receiveAsync(sending.link(), dir.resolve("again"));
                TestFiles.awaitPartialDownload(dir.resolve("again"), 1024 * 1024);
                sending.process().destroyForcibly();
                assertEquals(7, again.get(30, TimeUnit.SECONDS).exitCode());
                assertTrue(Files.exists(small));
            }
            assertServerIsClean(server, threadsBefore);
        }
    }

    @Test
    void aReceiverThatStopsReadingIsDroppedAfterTheStallTimeout() throws Exception {
        try (DragNShareServer server = TestServer.start(Map.of("STALL_TIMEOUT", "3s"), RelayTap.NONE)) {
            Path file = TestFiles.zeros(dir, "big.iso", BIG);
            try (Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), file.toString());
                 java.io.InputStream unread = NonReadingReceiver.open(sending.link())) {
                assertEventually(() -> server.runningDownloads() == 1, "the download started");
                // nothing reads the stream: once the socket buffers are full, no byte moves
                assertEventually(() -> stderrOf(sending).contains("stopped"),
                        "the sharer heard the receiver is gone: " + stderrOf(sending));
                assertEventually(() -> server.activeTransfers() == 0, "the server let go of the transfer");
                assertTrue(sending.process().isAlive(), "the sharer keeps serving");
            }
        }
    }

    @Test
    void sharersInstanceCrashesMidTransfer() throws Exception {
        try (ServerProcess doomed = ServerProcess.start(FAST_PEER_TIMEOUT);
             DragNShareServer survivor = TestServer.start(FAST_PEER_TIMEOUT, RelayTap.NONE)) {
            Path file = TestFiles.zeros(dir, "big.iso", BIG);
            Path out = dir.resolve("out");
            try (Cli.Sending sending = Cli.send("--server", doomed.url().toString(), file.toString())) {
                String viaSurvivor = sending.link().replace(":" + doomed.port() + "/", ":" + survivor.port() + "/");
                CompletableFuture<Cli.Result> receiving = receiveAsync(viaSurvivor, out);
                awaitPartialDownload(out, doomed, sending);

                doomed.crash();
                Cli.Result result = receiving.get(30, TimeUnit.SECONDS);
                assertEquals(7, result.exitCode(), "no hang: " + result.stderr());
                assertNothingLeft(out);
                assertEventually(() -> survivor.activeTransfers() == 0, "the survivor let go of the transfer");
            }
        }
    }

    @Test
    void receiversInstanceCrashesMidTransfer() throws Exception {
        try (ServerProcess doomed = ServerProcess.start(FAST_PEER_TIMEOUT);
             DragNShareServer survivor = TestServer.start(FAST_PEER_TIMEOUT, RelayTap.NONE)) {
            Path file = TestFiles.zeros(dir, "big.iso", BIG);
            Path out = dir.resolve("out");
            try (Cli.Sending sending = Cli.send("--server", TestServer.url(survivor).toString(), file.toString())) {
                String viaDoomed = sending.link().replace(":" + survivor.port() + "/", ":" + doomed.port() + "/");
                CompletableFuture<Cli.Result> receiving = receiveAsync(viaDoomed, out);
                awaitPartialDownload(out, doomed, sending);

                doomed.crash();
                assertEquals(7, receiving.get(30, TimeUnit.SECONDS).exitCode(), "the receiver lost its server");
                assertEventually(() -> stderrOf(sending).contains("receiver went away"),
                        "the sharer stopped sending: " + stderrOf(sending));
                assertEventually(() -> survivor.activeTransfers() == 0, "the survivor let go of the transfer");
            }
        }
    }

    @Test
    void gracefulShutdownTellsBothSides() throws Exception {
        DragNShareServer server = TestServer.start(Map.of("SHUTDOWN_GRACE", "1s"), RelayTap.NONE);
        Path file = TestFiles.zeros(dir, "big.iso", BIG);
        Path out = dir.resolve("out");
        try (Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), file.toString())) {
            CompletableFuture<Cli.Result> receiving = receiveAsync(sending.link(), out);
            TestFiles.awaitPartialDownload(out, 8 * 1024 * 1024);

            long stopping = System.nanoTime();
            server.close();
            double seconds = (System.nanoTime() - stopping) / 1e9;
            Cli.Result result = receiving.get(30, TimeUnit.SECONDS);

            assertTrue(seconds < 8, "shutdown is bounded, took " + seconds + " s");
            assertEquals(7, result.exitCode(), result.stderr());
            assertTrue(result.stderr().contains("restarting"), result.stderr());
            assertNothingLeft(out);
            assertEventually(() -> stderrOf(sending).contains("reconnecting"), "the sharer heard 1001 and reconnects: "
                    + stderrOf(sending));
        }
        assertEveryKeyHasATtl(TestRedis.client());
    }

    /**
     * The one-command setup (embedded Redis) stopped as a user or Docker stops it: SIGTERM. The
     * embedded Redis must stay up while the server tells both sides, and go when it is done.
     */
    @Test
    void sigtermWithTheEmbeddedRedisTellsBothSidesAndStopsRedis() throws Exception {
        Map<String, String> embedded = Map.of("REDIS_URL", "", "SHUTDOWN_GRACE", "1s");
        ServerProcess process = ServerProcess.start(embedded);
        try {
            Path file = TestFiles.zeros(dir, "big.iso", BIG);
            Path out = dir.resolve("out");
            try (Cli.Sending sending = Cli.send("--server", process.url().toString(), file.toString())) {
                CompletableFuture<Cli.Result> receiving = receiveAsync(sending.link(), out);
                awaitPartialDownload(out, process, sending);
                java.util.List<ProcessHandle> redisBefore = process.children("redis-server");
                assertEquals(2, redisBefore.size(), "two embedded redis-servers (sessions, transfers): " + redisBefore);

                assertTrue(process.stop(20), "the server exits within its grace period:\n" + process.log());
                Cli.Result result = receiving.get(30, TimeUnit.SECONDS);
                assertEquals(7, result.exitCode(), result.stderr());
                assertTrue(result.stderr().contains("restarting"), "told why, not a database error: " + result.stderr());
                assertNothingLeft(out);
                assertEventually(() -> stderrOf(sending).contains("reconnecting"),
                        "the sharer heard 1001 (going away) and reconnects: " + stderrOf(sending));
                assertEventually(() -> redisBefore.stream().noneMatch(ProcessHandle::isAlive),
                        "the embedded redis-servers stopped with the server");
            }
        } finally {
            process.close();
        }
    }

    /**
     * The one-command server restarted without its data folder (deleted, or another DATA_DIR: each
     * ServerProcess gets its own), so the session is gone. The sharer's reconnect is refused, and
     * it says why and what to do.
     */
    @Test
    void aSharerWhoseServerRestartedWithoutItsStateSaysSo() throws Exception {
        Map<String, String> forgetful = Map.of("REDIS_URL", "", "JWT_KEY", "");
        ServerProcess first = ServerProcess.start(forgetful);
        int port = first.port();
        Path file = TestFiles.random(dir, "a.bin", 1000, 3);
        try (Cli.Sending sending = Cli.send("--server", first.url().toString(), file.toString())) {
            assertTrue(first.stop(20), "stopped");
            try (ServerProcess second = ServerProcess.start(forgetful, port)) {
                assertTrue(sending.process().waitFor(60, TimeUnit.SECONDS), "the sharer gave up: " + stderrOf(sending));
                assertEquals(5, sending.process().exitValue(), stderrOf(sending));
                assertTrue(stderrOf(sending).contains("refused this session on reconnecting")
                        && stderrOf(sending).contains("run send again"), stderrOf(sending));
            }
        } finally {
            first.close();
        }
    }

    /** Waits for the transfer to be well under way; if it is not, says what the server process logged. */
    private static void awaitPartialDownload(Path out, ServerProcess process, Cli.Sending sending) throws Exception {
        try {
            TestFiles.awaitPartialDownload(out, 8 * 1024 * 1024);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nserver process log:\n" + process.log()
                    + "\nsharer stderr:\n" + stderrOf(sending), e);
        }
    }

    private CompletableFuture<Cli.Result> receiveAsync(String link, Path out) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                // --wait 0: these faults are about how a failure is reported; riding them out is ResumeTest's
                return Cli.run(120, "receive", link, "--out", out.toString(), "--wait", "0");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static Process receiverProcess(String link, Path out) throws Exception {
        return new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar",
                Cli.JAR.toString(), "receive", link, "--out", out.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    private static String stderrOf(Cli.Sending sending) {
        try {
            return sending.stderrText();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** A receiver that asks for the first file of an invite and then never reads its stream. */
    private static final class NonReadingReceiver {
        static java.io.InputStream open(String link) throws Exception {
            app.dragnshare.client.api.Invite invite = app.dragnshare.client.api.Invite.parse(link);
            app.dragnshare.client.api.ServerApi api = new app.dragnshare.client.api.ServerApi(invite.server());
            app.dragnshare.client.api.Membership guest = api.join(invite.sessionId(), invite.joinCode());
            String fileId = api.listFiles(guest).getFirst().id();
            java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
            String transferId = b64.encodeToString(new byte[16]);
            byte[] key = new app.dragnshare.client.crypto.TransferKeys().publicKey();
            String body = "{\"transferId\":\"" + transferId + "\",\"publicKey\":\"" + b64.encodeToString(key)
                    + "\",\"hmac\":\"" + b64.encodeToString(invite.keys().requestMac(transferId, fileId, key, 0)) + "\"}";
            return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create(invite.server() + "/api/sessions/" + invite.sessionId() + "/files/" + fileId
                                    + "/transfers"))
                    .header("Authorization", "Bearer " + guest.token()).header("Accept", "text/event-stream")
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofInputStream()).body();
        }
    }

    /**
     * A failed download leaves no file that looks complete: at most its hidden part and the
     * part's record, which a later run resumes from.
     */
    private static void assertNothingLeft(Path out) throws Exception {
        try (var listing = Files.list(out)) {
            java.util.List<String> names = listing.map(p -> p.getFileName().toString()).toList();
            assertTrue(names.stream().allMatch(n -> n.matches("\\.dns-[A-Za-z0-9_-]{22}\\.(part|resume)")),
                    "only the hidden part and its record are left: " + names);
        }
    }

    private static void assertServerIsClean(DragNShareServer server, int threadsBefore) throws Exception {
        assertEventually(() -> server.activeTransfers() == 0, "no transfer is left running");
        assertEventually(() -> server.connectedSharers() == 0, "no sharer socket is left open");
        assertEventually(() -> server.redis().activeConnections() == 0,
                "every Redis connection went back to the pool: " + server.redis().activeConnections());
        assertEventually(() -> platformThreads() <= threadsBefore + 2,
                "platform threads are back near " + threadsBefore + ": " + platformThreads() + " "
                        + Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted().toList());
        assertEveryKeyHasATtl(TestRedis.client());
    }

    /** Platform threads, without the ones this test itself starts (process reapers, async helpers). */
    private static int platformThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(n -> !n.startsWith("process reaper") && !n.startsWith("ForkJoinPool.commonPool"))
                .count();
    }

    /** One small transfer first, so lazily started pools and timers count in the baseline. */
    private int warmUp(DragNShareServer server) throws Exception {
        Path file = TestFiles.random(dir, "warm-up.bin", 1000, 40);
        try (Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), "--once", file.toString())) {
            assertEquals(0, Cli.run(60, "receive", sending.link(), "--out", dir.resolve("warm").toString()).exitCode());
            sending.awaitExit(30);
        }
        assertEventually(() -> server.activeTransfers() == 0 && server.connectedSharers() == 0, "warm-up done");
        return platformThreads();
    }
}
