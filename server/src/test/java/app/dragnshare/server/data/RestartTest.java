package app.dragnshare.server.data;

import static app.dragnshare.server.testing.RedisKeys.assertEventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.client.api.Invite;
import app.dragnshare.client.api.Membership;
import app.dragnshare.client.api.ServerApi;
import app.dragnshare.client.crypto.TransferKeys;
import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.config.ConfigException;
import app.dragnshare.server.redis.FreePort;
import app.dragnshare.server.redis.RedisConnection;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.ServerProcess;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;
import app.dragnshare.server.relay.RelayTap;

import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.embedded.RedisServer;

/**
 * The one-command server (embedded Redis, no JWT_KEY) keeps its sessions in DATA_DIR across a
 * restart, and never a chunk.
 */
class RestartTest {
    @TempDir
    Path dir;

    private Map<String, String> oneCommand(Path data) {
        return Map.of("REDIS_URL", "", "JWT_KEY", "", "DATA_DIR", data.toString());
    }

    /** Stopped as a person stops it (SIGTERM) and started again on the same data folder and port. */
    @Test
    void aCliSharerReconnectsAfterARestartAndItsLinkStillWorks() throws Exception {
        Path data = dir.resolve("data");
        Path file = TestFiles.random(dir, "report.bin", 3 * 1024 * 1024 + 17, 14);
        ServerProcess first = ServerProcess.start(oneCommand(data));
        int port = first.port();
        try (Cli.Sending sending = Cli.send("--server", first.url().toString(), file.toString())) {
            assertTrue(first.stop(30), "the first server stopped:\n" + first.log());
            try (ServerProcess second = ServerProcess.start(oneCommand(data), port)) {
                assertEventually(() -> stderr(sending).contains("reconnected"),
                        "the sharer reconnects by itself once the server is back: " + stderr(sending), Duration.ofSeconds(40));
                Path out = dir.resolve("out");
                Cli.Result received = Cli.run(60, "receive", sending.link(), "--out", out.toString());
                assertEquals(0, received.exitCode(), received.stderr() + "\nserver:\n" + second.log());
                assertTrue(TestFiles.sameBytes(file, out.resolve("report.bin")), "the same bytes arrive over the old link");
                assertTrue(second.log().contains("Data folder: " + data), "the startup says where its data is:\n" + second.log());
            }
        } finally {
            first.close();
        }
    }

    /**
     * Killed outright (SIGKILL, the OOM killer): its redis-servers outlive it, and one of them
     * would write its old sessions over the snapshot when stopped some day. The next start stops
     * them, and every session older than one snapshot is back.
     */
    @Test
    void aKilledServerLeavesNoRedisBehindAndItsSnapshottedSessionsSurvive() throws Exception {
        Path data = dir.resolve("data");
        Path file = TestFiles.random(dir, "notes.bin", 300_000, 16);
        ServerProcess first = ServerProcess.start(oneCommand(data));
        int port = first.port();
        List<ProcessHandle> redis = first.children("redis-server");
        try (Cli.Sending sending = Cli.send("--server", first.url().toString(), file.toString())) {
            Thread.sleep(RedisConnection.SNAPSHOT_EVERY.plusSeconds(2).toMillis()); // the session is in a snapshot by now
            assertEquals(2, redis.size(), "two embedded redis-servers: " + redis);
            ProcessHandle.of(first.pid()).orElseThrow().destroyForcibly(); // the server alone
            assertTrue(first.awaitExit(10), "killed");
            assertTrue(redis.stream().allMatch(ProcessHandle::isAlive), "its redis-servers outlived it");
            try (ServerProcess second = ServerProcess.start(oneCommand(data), port)) {
                assertTrue(redis.stream().noneMatch(ProcessHandle::isAlive), "the next start stopped them:\n" + second.log());
                assertTrue(second.log().contains("left running by a Drag-n-Share server that was killed"), second.log());
                assertEventually(() -> stderr(sending).contains("reconnected"),
                        "the sharer reconnects: " + stderr(sending), Duration.ofSeconds(40));
                Path out = dir.resolve("out");
                Cli.Result received = Cli.run(60, "receive", sending.link(), "--out", out.toString());
                assertEquals(0, received.exitCode(), received.stderr());
                assertTrue(TestFiles.sameBytes(file, out.resolve("notes.bin")));
            }
        } finally {
            redis.forEach(ProcessHandle::destroyForcibly);
            first.close();
        }
    }

    /**
     * While a receiver does not read, the transfer's chunk list fills in the transfers' Redis; the
     * sessions' Redis snapshots meanwhile (a join changed the session). Read back by a real
     * redis-server, the snapshot holds the session and not one transfer key.
     */
    @Test
    void theSnapshotHoldsTheSessionAndNeverAChunk() throws Exception {
        Path data = dir.resolve("data");
        Path file = TestFiles.random(dir, "big.bin", 64L * 1024 * 1024, 15);
        try (DragNShareServer server = TestServer.start(oneCommand(data), RelayTap.NONE);
             Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), file.toString());
             InputStream unread = NonReadingReceiver.open(sending.link())) {
            UnifiedJedis transfers = server.redis().transfers();
            assertEventually(() -> !keys(transfers, "dns:t:*:chunks").isEmpty(),
                    "chunks wait in the transfers' Redis for the receiver", Duration.ofSeconds(30));
            long chunksSeenAt = System.currentTimeMillis() / 1000;
            UnifiedJedis sessions = server.redis().client();
            assertEventually(() -> lastSave(sessions) > chunksSeenAt,
                    "a snapshot is taken within " + RedisConnection.SNAPSHOT_EVERY.toSeconds() + " s of a change",
                    RedisConnection.SNAPSHOT_EVERY.plusSeconds(10));
            assertFalse(keys(transfers, "dns:t:*:chunks").isEmpty(), "the chunks were still queued when it was taken");

            Path copy = Files.createDirectories(dir.resolve("copy"));
            Files.copy(data.resolve("redis").resolve(RedisConnection.SNAPSHOT_FILE), copy.resolve("sessions.rdb"));
            List<String> saved = keysInSnapshot(copy);
            String sessionId = Invite.parse(sending.link()).sessionId();
            assertTrue(saved.contains("dns:s:{" + sessionId + "}"), "the session is in the snapshot: " + saved);
            assertTrue(saved.stream().noneMatch(k -> k.startsWith("dns:t:")), "no transfer key is in it: " + saved);
        }
    }

    @Test
    void aSecondServerOnTheSameDataFolderIsRefusedInOneLine() {
        Path data = dir.resolve("data");
        try (DragNShareServer first = TestServer.start(oneCommand(data), RelayTap.NONE)) {
            ConfigException refused = assertThrows(ConfigException.class, () -> TestServer.start(oneCommand(data), RelayTap.NONE));
            assertTrue(refused.getMessage().contains("in use by another Drag-n-Share server"), refused.getMessage());
            assertTrue(first.redis().isReachable(), "the first one runs on");
        }
    }

    /** The compose deployment runs on a read-only file system: with REDIS_URL and JWT_KEY nothing is written. */
    @Test
    void withItsOwnRedisAndKeyTheServerWritesNoDataFolder() {
        Path data = dir.resolve("never");
        try (DragNShareServer server = TestServer.start(Map.of("DATA_DIR", data.toString()), RelayTap.NONE)) {
            assertTrue(server.dataDir().isEmpty());
            assertFalse(Files.exists(data), "no data folder was made");
        }
    }

    /** With REDIS_URL nothing about Redis changes: the data folder holds the token key only. */
    @Test
    void withItsOwnRedisButNoKeyTheDataFolderHoldsOnlyTheTokenKey() throws Exception {
        Path data = dir.resolve("data");
        try (DragNShareServer server = TestServer.start(Map.of("JWT_KEY", "", "DATA_DIR", data.toString()), RelayTap.NONE)) {
            assertEquals(data, server.dataDir().orElseThrow());
            try (var listing = Files.list(data)) {
                assertEquals(List.of("jwt-key"), listing.map(p -> p.getFileName().toString()).toList());
            }
        }
    }

    private static List<String> keysInSnapshot(Path folder) throws Exception {
        int port = FreePort.find();
        RedisServer reader = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                .setting("dir " + folder).setting("dbfilename sessions.rdb").setting("save \"\"").build();
        reader.start();
        try (UnifiedJedis redis = RedisClient.create(URI.create("redis://127.0.0.1:" + port))) {
            return keys(redis, "*");
        } finally {
            reader.stop();
        }
    }

    private static List<String> keys(UnifiedJedis redis, String pattern) {
        List<String> found = new ArrayList<>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            var page = redis.scan(cursor, new ScanParams().match(pattern).count(500));
            found.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        return found;
    }

    private static long lastSave(UnifiedJedis redis) {
        return (Long) redis.sendCommand(Protocol.Command.LASTSAVE);
    }

    private static String stderr(Cli.Sending sending) {
        try {
            return sending.stderrText();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** A receiver that asks for the first file of an invite and then never reads its stream. */
    private static final class NonReadingReceiver {
        static InputStream open(String link) throws Exception {
            Invite invite = Invite.parse(link);
            ServerApi api = new ServerApi(invite.server());
            Membership guest = api.join(invite.sessionId(), invite.joinCode());
            String fileId = api.listFiles(guest).getFirst().id();
            Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
            String transferId = b64.encodeToString(new byte[16]);
            byte[] key = new TransferKeys().publicKey();
            String body = "{\"transferId\":\"" + transferId + "\",\"publicKey\":\"" + b64.encodeToString(key)
                    + "\",\"hmac\":\"" + b64.encodeToString(invite.keys().requestMac(transferId, fileId, key, 0)) + "\"}";
            HttpResponse<InputStream> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(invite.server() + "/api/sessions/" + invite.sessionId() + "/files/" + fileId + "/transfers"))
                    .header("Authorization", "Bearer " + guest.token()).header("Accept", "text/event-stream")
                    .timeout(Duration.ofMinutes(5))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode(), "the download started");
            return response.body();
        }
    }
}
