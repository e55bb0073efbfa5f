package app.dragnshare.server.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;
import app.dragnshare.server.testing.Tunnel;

/**
 * A tree of small files is not a connection per file (PROTOCOL.md §7: a short download stream
 * ends with its last HTTP chunk and keeps its connection): the real CLI receives 60 small files
 * and one of 5 MiB (whose stream closes its connection, as long ones do) through a tunnel that
 * counts the connections it carries.
 */
class DownloadConnectionsTest {
    private static final int FILES = 60;

    @TempDir
    Path dir;

    @Test
    void smallFilesShareConnectionsAndALargeOneStillArrives() throws Exception {
        Path tree = Files.createDirectories(dir.resolve("in/tree"));
        for (int i = 0; i < FILES; i++) {
            TestFiles.random(Files.createDirectories(tree.resolve("f" + i % 4)), "small-" + i + ".bin", 3000 + i, i);
        }
        Path large = TestFiles.random(tree, "large.bin", 5 << 20, 99);
        AtomicInteger connections = new AtomicInteger();
        try (DragNShareServer server = TestServer.start();
             Tunnel line = new Tunnel(server.port(), () -> {
                 connections.incrementAndGet();
                 return Tunnel.Filter.NONE;
             });
             Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), "--once", tree.toString())) {
            String viaLine = sending.link().replace(":" + server.port() + "/", ":" + line.port() + "/");
            Path out = dir.resolve("out");
            Cli.Result received = Cli.run(120, "receive", viaLine, "--out", out.toString());
            assertEquals(0, received.exitCode(), received.stderr());
            for (int i = 0; i < FILES; i++) {
                String name = "tree/f" + i % 4 + "/small-" + i + ".bin";
                assertTrue(TestFiles.sameBytes(dir.resolve("in").resolve(name), out.resolve(name)), "bytes differ: " + name);
            }
            assertTrue(TestFiles.sameBytes(large, out.resolve("tree/large.bin")), "the large file's bytes differ");
            assertEquals(0, sending.awaitExit(30), "send --once exits once every file was downloaded");
            // 61 downloads and 61 receipts: a connection per download would be at least 61
            assertTrue(connections.get() <= 16, connections.get() + " connections for " + (FILES + 1) + " files");
        }
    }
}
