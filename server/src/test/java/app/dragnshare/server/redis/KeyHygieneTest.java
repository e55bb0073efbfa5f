package app.dragnshare.server.redis;

import static app.dragnshare.server.testing.RedisKeys.assertEventually;
import static app.dragnshare.server.testing.RedisKeys.assertEveryKeyHasATtl;
import static app.dragnshare.server.testing.RedisKeys.keys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.Http;
import app.dragnshare.server.testing.RedisKeys;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestRedis;
import app.dragnshare.server.testing.TestServer;

import redis.clients.jedis.UnifiedJedis;

/** Nothing is left behind: every key has a TTL, and an ended transfer or session leaves no keys at all. */
class KeyHygieneTest {
    @TempDir
    Path dir;

    @Test
    void transfersAndSessionsLeaveNothingBehind() throws Exception {
        UnifiedJedis redis = TestRedis.client();
        try (DragNShareServer server = TestServer.start()) {
            Path file = TestFiles.random(dir, "f.bin", 700_000, 31);
            String sessionId;
            try (Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), "--once", file.toString())) {
                sessionId = sending.link().replaceAll(".*/s/([^#]+)#.*", "$1");
                assertTrue(keys("dns:s:{" + sessionId + "}*").size() >= 3, "the session is in Redis while it lives");
                Cli.Result result = Cli.run(60, "receive", sending.link(), "--out", dir.resolve("out").toString());
                assertEquals(0, result.exitCode(), result.stderr());
                assertEquals(0, sending.awaitExit(30));
            }
            assertEventually(() -> keys("dns:t:*").isEmpty(), "transfer keys are removed when transfers end: " + keys("dns:t:*"));
            assertEveryKeyHasATtl(redis);

            // the session outlives its members by the idle TTL; the host can end it at once
            Http http = new Http(TestServer.url(server));
            Http.Reply other = http.post("/api/sessions", null, "");
            String id = other.json().getString("sessionId");
            http.post("/api/sessions/" + id + "/files", other.json().getString("token"), "{\"name\":\"a\",\"size\":1}");
            assertEveryKeyHasATtl(redis);
            assertEquals(204, http.delete("/api/sessions/" + id, other.json().getString("token")).status());
            assertEventually(() -> keys("dns:s:{" + id + "}*").stream().allMatch(k -> k.contains(":inbox:") || k.endsWith(":ended")),
                    "only the members' inboxes (with the end notice) and the session's tombstone, TTL-bound, remain: "
                            + keys("dns:s:{" + id + "}*"));
            assertEveryKeyHasATtl(redis);
        }
    }
}
