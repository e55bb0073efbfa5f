package app.dragnshare.server.sharer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.relay.RelayTap;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;

import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * A download request that Redis fails to hand to its sharer (taken from the inbox, then a call
 * fails before the sharer heard of it) is not lost: it goes back to the inbox and is taken again,
 * so the download completes instead of waiting for an offer that never comes. Seen as a rare
 * IdleSharersTest failure under load (1 of 200 requests never reached its sharer).
 */
class RequestHandOverTest {
    @TempDir
    Path dir;

    @Test
    void aRequestTheSharerSidesRedisFailedToStartIsTakenAgainWhenTheInstanceWasBusy() throws Exception {
        // every pooled connection in use for the whole wait: the socket stays, the upkeep's re-check looks again
        downloadCompletesAfterOneFailure(() -> new JedisException("Could not get a resource from the pool",
                new NoSuchElementException("Timeout waiting for idle object")));
    }

    @Test
    void aDownloadWhoseRequestMetALostRedisStillCompletes() throws Exception {
        // Redis lost: the socket closes (1011) and the sharer reconnects; the request waited in its
        // inbox (before the fix the receiver's own retry, after hearing its sharer left, saved it)
        downloadCompletesAfterOneFailure(() -> new JedisConnectionException("Unexpected end of stream."));
    }

    private void downloadCompletesAfterOneFailure(Supplier<JedisException> failure) throws Exception {
        AtomicInteger failed = new AtomicInteger();
        RelayTap failsOnce = new RelayTap() {
            @Override
            public JsonObject request(JsonObject request) {
                // the receiver's side calls this too; fail only on the sharer's side, which takes the inbox
                if ("socket-inbox".equals(Thread.currentThread().getName()) && failed.getAndIncrement() == 0) {
                    throw failure.get();
                }
                return request;
            }
        };
        try (DragNShareServer server = TestServer.start(Map.of(), failsOnce)) {
            Path file = TestFiles.random(dir, "handed-over.bin", 700_000, 3);
            Path out = dir.resolve("out");
            try (Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), "--once", file.toString())) {
                Cli.Result result = Cli.run(60, "receive", sending.link(), "--out", out.toString());
                assertEquals(0, result.exitCode(), result.stderr());
            }
            assertTrue(failed.get() >= 2, "the request failed once and was taken again: " + failed.get() + " hand-overs");
            assertTrue(TestFiles.sameBytes(file, out.resolve("handed-over.bin")), "the file arrived whole");
        }
    }
}
