package app.dragnshare.server.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;

/** The real CLI jar sends to the real CLI jar through a real server and a real Redis. */
class CliTransferTest {
    private static final int CHUNK = 256 * 1024;
    private static DragNShareServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() {
        server = TestServer.start();
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void everySizeAndNameArrivesByteForByte() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        List<Path> files = new ArrayList<>(List.of(
                TestFiles.random(in, "empty.bin", 0, 1),
                TestFiles.random(in, "one-byte.bin", 1, 2),
                TestFiles.random(in, "one-chunk.bin", CHUNK, 3),
                TestFiles.random(in, "one-chunk-plus-one.bin", CHUNK + 1, 4),
                TestFiles.random(in, "large.bin", 20L * 1024 * 1024, 5),
                TestFiles.random(in, "hé llo wörld 文件 ✓.txt", 1000, 6)));
        List<String> args = new ArrayList<>(List.of("--server", TestServer.url(server).toString(), "--once"));
        files.forEach(f -> args.add(f.toString()));

        try (Cli.Sending sending = Cli.send(args.toArray(String[]::new))) {
            Path out = dir.resolve("out");
            long started = System.nanoTime();
            Cli.Result received = Cli.run(120, "receive", sending.link(), "--out", out.toString());
            double seconds = (System.nanoTime() - started) / 1e9;

            assertEquals(0, received.exitCode(), received.stderr());
            for (Path file : files) {
                Path copy = out.resolve(file.getFileName().toString());
                assertTrue(Files.exists(copy), "missing " + copy + "; stderr: " + received.stderr());
                assertTrue(TestFiles.sameBytes(file, copy), "bytes differ: " + file.getFileName());
            }
            try (var listing = Files.list(out)) {
                assertEquals(files.size(), listing.count(), "no temporary files are left behind");
            }
            assertEquals(0, sending.awaitExit(30), "send --once exits 0 once every file was downloaded");
            System.out.printf(Locale.ROOT, "CLI to CLI, %d files, 21 MB in %.2f s (%.1f MB/s, JVM start-up included)%n",
                    files.size(), seconds, 21.0 * 1024 * 1024 / 1e6 / seconds);
        }
    }

    @Test
    void receivesOnlyTheNamedFilesAndNeverOverwrites() throws Exception {
        Path a = TestFiles.random(dir, "a.txt", 10, 7);
        Path b = TestFiles.random(dir, "b.txt", 10, 8);
        Path out = Files.createDirectories(dir.resolve("out"));
        Files.writeString(out.resolve("a.txt"), "mine");
        try (Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), a.toString(), b.toString())) {
            Cli.Result result = Cli.run(60, "receive", sending.link(), "--out", out.toString(), "a.txt");
            assertEquals(0, result.exitCode(), result.stderr());
            assertEquals("mine", Files.readString(out.resolve("a.txt")), "the existing file is untouched");
            assertTrue(TestFiles.sameBytes(a, out.resolve("a (1).txt")), "the download got a new name");
            assertTrue(Files.notExists(out.resolve("b.txt")), "only the named file was downloaded");
            assertTrue(result.stdout().contains("a (1).txt"), "stdout names the saved file");

            Cli.Result unknown = Cli.run(60, "receive", sending.link(), "--out", out.toString(), "nope.txt");
            assertEquals(2, unknown.exitCode(), "asking for a file the session lacks is a usage error");
        }
    }

    @Test
    void clearExitCodesForBadLinksAndUnreachableServers() throws Exception {
        Cli.Result garbage = Cli.run(30, "receive", "not-a-link");
        assertEquals(3, garbage.exitCode());
        assertTrue(garbage.stderr().startsWith("drag-n-share: "), garbage.stderr());
        assertEquals(1, garbage.stderr().strip().lines().count(), "one line: " + garbage.stderr());

        String unknownSession = TestServer.url(server) + "/s/AAAAAAAAAAAAAAAAAAAAAA#ABCDEFGHJKMN."
                + "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
        Cli.Result revoked = Cli.run(30, "receive", unknownSession, "--out", dir.toString());
        assertEquals(3, revoked.exitCode(), revoked.stderr());
        assertTrue(revoked.stderr().contains("there is no such session: it expired"), revoked.stderr());

        int closedPort = app.dragnshare.server.redis.FreePort.find();
        Cli.Result unreachable = Cli.run(30, "receive", "http://127.0.0.1:" + closedPort
                + "/s/AAAAAAAAAAAAAAAAAAAAAA#ABCDEFGHJKMN.AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");
        assertEquals(4, unreachable.exitCode(), unreachable.stderr());

        Cli.Result noFile = Cli.run(30, "send", "--server", TestServer.url(server).toString(), dir.resolve("missing").toString());
        assertEquals(8, noFile.exitCode(), noFile.stderr());
        assertEquals("", noFile.stdout(), "no link is printed when sending cannot start");

        Cli.Result usage = Cli.run(30, "fetch");
        assertEquals(2, usage.exitCode());
    }
}
