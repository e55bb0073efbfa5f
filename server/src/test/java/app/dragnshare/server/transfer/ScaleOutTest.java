package app.dragnshare.server.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;

/** Instances meet only in Redis: sharer and receivers may be on different ones, several at a time. */
class ScaleOutTest {
    private static DragNShareServer first;
    private static DragNShareServer second;

    @TempDir
    Path dir;

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
    void sharerOnOneInstanceReceiverOnTheOther() throws Exception {
        Path file = TestFiles.random(dir, "across.bin", 3 * 1024 * 1024 + 17, 11);
        try (Cli.Sending sending = Cli.send("--server", TestServer.url(first).toString(), "--once", file.toString())) {
            String viaSecond = sending.link().replace(":" + first.port() + "/", ":" + second.port() + "/");
            assertTrue(viaSecond.contains(":" + second.port() + "/s/"), viaSecond);
            Cli.Result result = Cli.run(60, "receive", viaSecond, "--out", dir.resolve("out").toString());
            assertEquals(0, result.exitCode(), result.stderr());
            assertTrue(TestFiles.sameBytes(file, dir.resolve("out").resolve("across.bin")));
            assertEquals(0, sending.awaitExit(30));
        }
    }

    @Test
    void twoReceiversDownloadTheSameFileAtTheSameTime() throws Exception {
        Path file = TestFiles.random(dir, "popular.bin", 8 * 1024 * 1024 + 5, 12);
        try (Cli.Sending sending = Cli.send("--server", TestServer.url(first).toString(), file.toString())) {
            String viaSecond = sending.link().replace(":" + first.port() + "/", ":" + second.port() + "/");
            CompletableFuture<Cli.Result> one = CompletableFuture.supplyAsync(() -> receive(sending.link(), "one"));
            CompletableFuture<Cli.Result> two = CompletableFuture.supplyAsync(() -> receive(viaSecond, "two"));
            for (var entry : java.util.Map.of("one", one.get(), "two", two.get()).entrySet()) {
                assertEquals(0, entry.getValue().exitCode(), entry.getValue().stderr());
                assertTrue(TestFiles.sameBytes(file, dir.resolve(entry.getKey()).resolve("popular.bin")));
            }
        }
    }

    private Cli.Result receive(String link, String folder) {
        try {
            return Cli.run(120, "receive", link, "--out", dir.resolve(folder).toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
