package app.dragnshare.server.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import jakarta.json.Json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.redis.Keys;
import app.dragnshare.server.session.FileRecord;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestRedis;
import app.dragnshare.server.testing.TestServer;

import redis.clients.jedis.UnifiedJedis;
import app.dragnshare.server.relay.RelayTap;

/**
 * Session and file names come from the network, so the real CLI prints them with their control
 * characters shown ({@code ^[}, {@code ^G}), never raw: a name cannot retitle the terminal or
 * clear the screen. The hostile names are written straight into Redis, as a server that does not
 * check names (or a session stored before it did) would hand them out.
 */
class NamesOnTheTerminalTest {
    private static final String SESSION_NAME = "\u001b]0;pwned\u0007Friday";
    private static final String FILE_NAME = "\u001b[2J\u001b[Hevil\u202Etxt.exe";

    @TempDir
    Path dir;

    @Test
    void hostileNamesReachTheTerminalEscaped() throws Exception {
        UnifiedJedis redis = TestRedis.client();
        try (DragNShareServer server = TestServer.start(Map.of(), RelayTap.NONE);
             Cli.Sending sharer = Cli.send("--server", TestServer.url(server).toString(),
                     TestFiles.random(dir, "report.pdf", 10_000, 31).toString())) {
            String sessionId = sharer.link().replaceAll(".*/s/([A-Za-z0-9_-]{22})#.*", "$1");
            redis.hset(Keys.session(sessionId), "name", SESSION_NAME);
            Map.Entry<String, String> stored = redis.hgetAll(Keys.files(sessionId)).entrySet().iterator().next();
            FileRecord file = FileRecord.fromJson(Json.createReader(new StringReader(stored.getValue())).readObject());
            FileRecord renamed = new FileRecord(file.id(), FILE_NAME, file.size(), file.type(), file.ownerId(), file.addedAt());
            redis.hset(Keys.files(sessionId), stored.getKey(), renamed.toJson().toString());

            // the receiver names the file when its download fails (the sharer's offer names report.pdf)
            Cli.Result received = Cli.run(60, "receive", sharer.link(), "--out", dir.resolve("out").toString());
            assertEquals(7, received.exitCode(), received.stderr());
            assertTrue(received.stderr().contains("drag-n-share: ^[[2J^[[Hevil<U+202E>txt.exe: "), received.stderr());
            assertRaw(received.stderr() + received.stdout());

            // a second sharer joining the session names it
            try (Cli.Sending joined = Cli.send("--join", sharer.link(),
                    TestFiles.random(dir, "notes.txt", 100, 32).toString())) {
                String said = awaitStderr(joined, "Sharing 1 file in ");
                assertTrue(said.contains("Sharing 1 file in \"^[]0;pwned^GFriday\""), said);
                assertRaw(said);
            }
        }
    }

    private static void assertRaw(String output) {
        assertFalse(output.contains("\u001b") || output.contains("\u0007") || output.contains("\u202E"),
                "no raw control reaches the terminal: " + output.replace("\u001b", "<ESC>"));
    }

    private static String awaitStderr(Cli.Sending sending, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String said = sending.stderrText();
        while (!said.contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            said = sending.stderrText();
        }
        return said;
    }
}
