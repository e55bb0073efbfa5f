package app.dragnshare.server.redis;

import static app.dragnshare.server.testing.RedisKeys.assertEventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.Http;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;
import app.dragnshare.server.relay.RelayTap;

import redis.embedded.RedisServer;

/**
 * Redis goes away mid-transfer: the transfer fails cleanly, the server keeps running and says
 * why (503, health DOWN), and once Redis is back new transfers work without a restart.
 */
class RedisOutageTest {
    private static final String PASSWORD = "outage-test-password";

    @TempDir
    Path dir;

    @Test
    void transfersFailCleanlyAndServiceResumesWhenRedisReturns() throws Exception {
        int port = FreePort.find();
        RedisServer redis = redisOn(port);
        redis.start();
        Map<String, String> settings = Map.of("REDIS_URL", "redis://:" + PASSWORD + "@127.0.0.1:" + port, "PEER_TIMEOUT", "3s");
        try (DragNShareServer server = TestServer.start(settings, RelayTap.NONE)) {
            Http http = new Http(TestServer.url(server));
            Path big = TestFiles.zeros(dir, "big.iso", 400L * 1024 * 1024);
            Path out = dir.resolve("out");
            try (Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), big.toString())) {
                CompletableFuture<Cli.Result> receiving = CompletableFuture.supplyAsync(() -> receive(sending.link(), out));
                TestFiles.awaitPartialDownload(out, 8 * 1024 * 1024);

                redis.stop();
                Cli.Result failed = receiving.get(30, TimeUnit.SECONDS);
                assertEquals(7, failed.exitCode(), failed.stderr());
                assertTrue(failed.stderr().contains("database"), failed.stderr());
                try (var listing = Files.list(out)) {
                    List<String> names = listing.map(p -> p.getFileName().toString()).toList();
                    assertTrue(names.stream().allMatch(n -> n.startsWith(".dns-") && (n.endsWith(".part") || n.endsWith(".resume"))),
                            "nothing that looks complete, only the hidden part kept to resume: " + names);
                }

                Http.Reply refused = http.post("/api/sessions", null, "{}");
                assertEquals(503, refused.status(), refused.body());
                assertEquals("unavailable", refused.error());
                Http.Reply health = http.get("/observe/health", null);
                assertEquals(503, health.status());
                assertTrue(health.body().contains("unreachable"), health.body());
            }

            redis = redisOn(port);
            redis.start();
            assertEventually(() -> status(http, "/observe/health") == 200, "health is UP again once Redis is back");

            Path small = TestFiles.random(dir, "after.bin", 2_000_000, 51);
            try (Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), "--once", small.toString())) {
                Cli.Result result = Cli.run(60, "receive", sending.link(), "--out", dir.resolve("again").toString());
                assertEquals(0, result.exitCode(), result.stderr());
                assertTrue(TestFiles.sameBytes(small, dir.resolve("again").resolve("after.bin")));
            }
            assertEventually(() -> server.activeTransfers() == 0, "nothing is left running");
        } finally {
            redis.stop();
        }
    }

    private static RedisServer redisOn(int port) throws IOException {
        return RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                .setting("requirepass " + PASSWORD).setting("save \"\"").setting("appendonly no")
                .onShutdownForceStop(true).build();
    }

    private static Cli.Result receive(String link, Path out) {
        try {
            return Cli.run(120, "receive", link, "--out", out.toString(), "--wait", "0"); // fail now: ride-outs are ResumeTest's
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static int status(Http http, String path) {
        try {
            return http.get(path, null).status();
        } catch (Exception e) {
            return -1;
        }
    }
}
