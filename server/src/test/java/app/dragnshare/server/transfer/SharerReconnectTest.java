package app.dragnshare.server.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;
import app.dragnshare.server.testing.Tunnel;

/**
 * A sharing CLI notices every end of its connection and reconnects once for it, with a real
 * server, real CLI processes and a {@link Tunnel} on the sharer's line: cut while it writes
 * chunks (the JDK's WebSocket may never report an end of stream that arrives while its listener
 * runs), or gone silent with no FIN or RST at all (noticed by the CLI's silence watchdog).
 */
class SharerReconnectTest {
    private static final long BIG = 64L * 1024 * 1024;
    private static final int CUTS = 4;

    @TempDir
    Path dir;

    @Test
    void aSharerCutOffWhileWritingChunksReconnectsOnceForEachCut() throws Exception {
        try (DragNShareServer server = TestServer.start();
             Tunnel sharerLine = new Tunnel(server.port());
             Tunnel receiverLine = new Tunnel(server.port())) {
            Path file = TestFiles.random(dir, "disk.img", BIG, 61);
            Path out = dir.resolve("out");
            // an end of stream the JDK loses and no send of ours runs into is left to the watchdog, whose
            // limit (30 s by default, pinging after 10 s of quiet) is made short for the test
            try (Cli.Sending sending = Cli.send(Map.of("JDK_JAVA_OPTIONS", "-Ddragnshare.silence=6"),
                    "--server", "http://127.0.0.1:" + sharerLine.port(), "--once", file.toString());
                 Cli.Running receiving = Cli.background("receive", sending.link().replace(":" + sharerLine.port() + "/",
                         ":" + receiverLine.port() + "/"), "--out", out.toString())) {
                for (int cut = 1; cut <= CUTS; cut++) {
                    TestFiles.awaitPartialDownload(out, BIG * cut / (CUTS + 2)); // the sharer is writing chunks
                    sharerLine.refuse(true); // away for a moment: its first reconnect may fail
                    sharerLine.cut();
                    receiverLine.cut();
                    Thread.sleep(1_000);
                    sharerLine.refuse(false);
                    awaitLines(sending, "reconnected", cut, 10);
                }
                Cli.Result result = receiving.await(60);
                assertEquals(0, result.exitCode(), result.stderr() + "\nthe sharer said: " + sending.stderrText());
                assertTrue(TestFiles.sameBytes(file, out.resolve("disk.img")), "byte for byte");
                assertEquals(0, sending.awaitExit(30), "delivered, and the sharer counted it: " + sending.stderrText());
                String said = sending.stderrText();
                assertEquals(CUTS, count(said, "reconnecting"), "one line per cut: " + said);
                assertFalse(said.contains("closed output"), "the JDK's words stay inside: " + said);
            }
        }
    }

    @Test
    void aSharerWhoseLineFallsSilentNoticesWithinItsLimitAndReconnects() throws Exception {
        try (DragNShareServer server = TestServer.start();
             Tunnel sharerLine = new Tunnel(server.port())) {
            Path file = TestFiles.random(dir, "disk.img", BIG, 62);
            Path out = dir.resolve("out");
            // the watchdog's limit, 30 s by default, made short for the test as above
            try (Cli.Sending sending = Cli.send(Map.of("JDK_JAVA_OPTIONS", "-Ddragnshare.silence=4"),
                    "--server", "http://127.0.0.1:" + sharerLine.port(), "--once", file.toString());
                 Cli.Running receiving = Cli.background("receive", sending.link().replace(":" + sharerLine.port() + "/",
                         ":" + server.port() + "/"), "--out", out.toString())) {
                TestFiles.awaitPartialDownload(out, BIG / 4);
                long stalled = System.nanoTime();
                sharerLine.stall(); // no byte passes, nothing closes: only silence tells
                awaitLines(sending, "reconnecting", 1, 10);
                double noticedAfter = (System.nanoTime() - stalled) / 1e9;
                assertTrue(noticedAfter >= 3, "not before the limit: " + noticedAfter + " s");
                awaitLines(sending, "reconnected", 1, 10);

                Cli.Result result = receiving.await(60);
                assertEquals(0, result.exitCode(), result.stderr() + "\nthe sharer said: " + sending.stderrText());
                assertTrue(TestFiles.sameBytes(file, out.resolve("disk.img")), "byte for byte");
                assertEquals(0, sending.awaitExit(30), "delivered, and the sharer counted it: " + sending.stderrText());
                assertEquals(1, count(sending.stderrText(), "reconnecting"), sending.stderrText());
            }
        }
    }

    /** Waits up to {@code seconds} until the sharer has printed {@code line} {@code times} times. */
    private static void awaitLines(Cli.Sending sending, String line, int times, int seconds) throws Exception {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (count(sending.stderrText(), line) < times) {
            assertTrue(System.nanoTime() < deadline, "the sharer did not say \"" + line + "\" (" + times + ") within "
                    + seconds + " s; it said:\n" + sending.stderrText());
            Thread.sleep(50);
        }
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }
}
