package app.dragnshare.server.transfer;

import static app.dragnshare.server.testing.RedisKeys.assertEventually;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.client.api.Invite;
import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.ChunkAlterer;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.Http;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;
import app.dragnshare.server.testing.Tunnel;

/**
 * The CLI resumes (PROTOCOL.md §4.8) and a sharer counts only verified receipts (§4.9), with
 * real CLI processes, a real server and Redis: a receive killed at about half runs again and
 * fetches only the rest; a dropped connection and a sharer away for a few seconds are ridden out
 * in one run; a part of another session, file, size or chunk size is started over, never mixed;
 * a relay that flips a byte makes the receiver exit 6 and the sharer report "not delivered".
 */
class ResumeTest {
    private static final int CHUNK = 256 * 1024;
    private static final long BIG = 64L * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void aKilledReceiveRunsAgainAndFetchesOnlyTheRest() throws Exception {
        try (DragNShareServer server = TestServer.start()) {
            Http http = new Http(TestServer.url(server));
            Path file = TestFiles.random(dir, "video.mkv", BIG, 51);
            Path out = dir.resolve("out");
            try (Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), "--once", file.toString())) {
                // --pace: paced from the start (PROTOCOL.md §7), so the kill costs at most the window
                killAt(server, http, sending, out, BIG / 3, "--pace");
                // no flag: a resumed download is paced by default, so this kill is as cheap
                long kept = killAt(server, http, sending, out, 2 * BIG / 3);
                assertTrue(Files.exists(hidden(out, ".resume")), "the part's record is kept beside it");
                assertTrue(sending.process().isAlive(), "the sharer still waits for a receipt: " + sending.stderrText());

                double relayedBefore = metric(http, "dns_relay_bytes_total");
                Cli.Result last = Cli.run(120, "receive", sending.link(), "--out", out.toString());
                double fetched = metric(http, "dns_relay_bytes_total") - relayedBefore;

                assertEquals(0, last.exitCode(), last.stderr());
                assertTrue(TestFiles.sameBytes(file, out.resolve("video.mkv")), "byte for byte");
                long resumedAt = kept / CHUNK; // whole chunks of the part: the ones the runs before verified
                long chunks = BIG / CHUNK;
                assertTrue(resumedAt >= 2 * chunks / 3 - 1 && resumedAt < chunks, "resumed at chunk " + resumedAt);
                assertEquals((chunks - resumedAt) * (CHUNK + 16), fetched,
                        "the last run fetched only chunks " + resumedAt + ".." + (chunks - 1));
                assertTrue(last.stderr().contains("resuming video.mkv at"), last.stderr());
                assertEquals(List.of("video.mkv"), names(out), "no hidden part or record is left");
                assertEquals(0, sending.awaitExit(30), "the sharer's --once counted the receipt: " + sending.stderrText());
                assertTrue(sending.stderrText().contains("sent video.mkv (64.0 MiB): the receiver verified every byte"),
                        sending.stderrText());
            }
        }
    }

    /**
     * Runs {@code receive} until its part holds {@code at} bytes, kills it (as kill -9 or a crash:
     * nothing of its own runs) and checks that the server wrote at most a few chunks (the paced
     * window: 2 on loopback, 3 or 4 for a round while it measures on a loaded machine) beyond what
     * the run had verified and stored; unpaced, a kill loses 7 to 27 MB. Returns the part's size.
     */
    private long killAt(DragNShareServer server, Http http, Cli.Sending sending, Path out, long at, String... options)
            throws Exception {
        double before = metric(http, "dns_relay_bytes_total");
        long keptBefore = Files.exists(out) && Files.exists(hidden(out, ".part")) ? Files.size(hidden(out, ".part")) : 0;
        List<String> command = new java.util.ArrayList<>(List.of("receive", sending.link(), "--out", out.toString()));
        command.addAll(List.of(options));
        try (Cli.Running run = Cli.background(command.toArray(String[]::new))) {
            TestFiles.awaitPartialDownload(out, at);
            run.kill();
        }
        long kept = Files.size(hidden(out, ".part"));
        assertEventually(() -> server.runningDownloads() == 0 && server.activeTransfers() == 0,
                "the killed run's transfer ended on the server");
        double lost = metric(http, "dns_relay_bytes_total") - before - (kept / CHUNK - keptBefore / CHUNK) * (CHUNK + 16.0);
        assertTrue(lost >= 0 && lost <= 4 * (CHUNK + 16), "the kill lost " + lost / (CHUNK + 16) + " chunks");
        return kept;
    }

    @Test
    void aDroppedConnectionAndAnAbsentSharerAreRiddenOutInOneRun() throws Exception {
        try (DragNShareServer server = TestServer.start();
             Tunnel receiverLine = new Tunnel(server.port());
             Tunnel sharerLine = new Tunnel(server.port())) {
            Http http = new Http(TestServer.url(server));
            Path file = TestFiles.random(dir, "backup.tar", BIG, 52);
            Path out = dir.resolve("out");
            double relayedBefore = metric(http, "dns_relay_bytes_total");
            try (Cli.Sending sending = Cli.send("--server", "http://127.0.0.1:" + sharerLine.port(), "--once", file.toString());
                 Cli.Running receiving = Cli.background("receive", sending.link().replace(":" + sharerLine.port() + "/",
                         ":" + receiverLine.port() + "/"), "--out", out.toString())) {
                TestFiles.awaitPartialDownload(out, BIG / 4);
                sharerLine.refuse(true); // the sharer is away for a few seconds: its reconnects fail
                sharerLine.cut();
                receiverLine.cut(); // and the receiver's stream drops
                Thread.sleep(4_000);
                sharerLine.refuse(false);

                Cli.Result result = receiving.await(120);
                assertEquals(0, result.exitCode(), result.stderr() + "\nthe sharer said: " + sending.stderrText()
                        + (sending.process().isAlive() ? "" : "\nand exited " + sending.process().exitValue()));
                assertTrue(TestFiles.sameBytes(file, out.resolve("backup.tar")), "byte for byte");
                assertEquals(1, count(result.stderr(), "paused at "), "one line says it paused: " + result.stderr());
                Matcher paused = Pattern.compile("paused at (\\d+)%").matcher(result.stderr());
                assertTrue(paused.find() && Integer.parseInt(paused.group(1)) >= 25, "paused where it was: " + result.stderr());
                assertEquals(0, sending.awaitExit(60), "delivered, and the sharer counted it: " + sending.stderrText());
                assertTrue(sending.stderrText().contains("reconnecting"), sending.stderrText());
                double relayed = metric(http, "dns_relay_bytes_total") - relayedBefore;
                double cipher = BIG + (BIG / CHUNK) * 16.0;
                System.out.printf("resume after a cut at 25%%: relayed %.0f bytes for a %d-byte file: %.1f chunks again%n",
                        relayed, BIG, (relayed - cipher) / (CHUNK + 16));
                // the first interruption of an unpaced download: what the sockets held comes again, not more
                assertTrue(relayed - cipher < 0.25 * BIG, "went on, not over: relayed " + relayed + " for " + cipher);
            }
        }
    }

    /**
     * Parts that belong elsewhere, each filled with bytes that would spoil the file if reused: of
     * another session, another file id, another size, another chunk size. Each run starts over
     * and saves the file byte for byte; a part whose record matches is resumed (the control).
     */
    @Test
    void aPartOfAnotherFileSessionSizeOrChunkSizeIsStartedOver() throws Exception {
        try (DragNShareServer server = TestServer.start()) {
            Path file = TestFiles.random(dir, "report.pdf", 8L * 1024 * 1024, 53);
            try (Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), file.toString())) {
                Invite invite = Invite.parse(sending.link());
                String fileId = fileId(sending.link());
                byte[] garbage = new byte[3 * 1024 * 1024];
                java.util.Arrays.fill(garbage, (byte) 0xEE);
                Map<String, String> cases = Map.of(
                        "session", record(invite.sessionId().replace(invite.sessionId().charAt(0), invite.sessionId().charAt(0) == 'A' ? 'B' : 'A'), fileId, 8L << 20, CHUNK),
                        "file", record(invite.sessionId(), fileId.charAt(0) == 'A' ? "B" + fileId.substring(1) : "A" + fileId.substring(1), 8L << 20, CHUNK),
                        "size", record(invite.sessionId(), fileId, (8L << 20) + 1, CHUNK),
                        "chunk-size", record(invite.sessionId(), fileId, 8L << 20, CHUNK / 2));
                for (Map.Entry<String, String> c : cases.entrySet()) {
                    Path out = Files.createDirectories(dir.resolve("out-" + c.getKey()));
                    Files.write(out.resolve(".dns-" + fileId + ".part"), garbage);
                    Files.writeString(out.resolve(".dns-" + fileId + ".resume"), c.getValue());
                    Cli.Result result = Cli.run(120, "receive", sending.link(), "--out", out.toString());
                    assertEquals(0, result.exitCode(), c.getKey() + ": " + result.stderr());
                    assertTrue(TestFiles.sameBytes(file, out.resolve("report.pdf")), c.getKey() + ": not mixed with the part");
                    assertTrue(result.stderr().contains("starting over"), c.getKey() + ": " + result.stderr());
                    assertEquals(List.of("report.pdf"), names(out), c.getKey());
                }
                // the control: the same record, matching, over the file's real first 3 MiB is resumed
                Path out = Files.createDirectories(dir.resolve("out-matching"));
                Files.write(out.resolve(".dns-" + fileId + ".part"), java.util.Arrays.copyOf(Files.readAllBytes(file), garbage.length));
                Files.writeString(out.resolve(".dns-" + fileId + ".resume"), record(invite.sessionId(), fileId, 8L << 20, CHUNK));
                Cli.Result result = Cli.run(120, "receive", sending.link(), "--out", out.toString());
                assertEquals(0, result.exitCode(), result.stderr());
                assertTrue(TestFiles.sameBytes(file, out.resolve("report.pdf")));
                assertTrue(result.stderr().contains("resuming report.pdf at 38%"), result.stderr());
            }
        }
    }

    @Test
    void aFlippedByteMakesTheReceiverExit6AndTheSharerSayNotDelivered() throws Exception {
        AtomicBoolean altered = new AtomicBoolean();
        try (DragNShareServer server = TestServer.start();
             Tunnel relay = new Tunnel(server.port(), () -> new ChunkAlterer(altered))) {
            Path file = TestFiles.random(dir, "contract.pdf", 2_000_000, 54);
            Path out = dir.resolve("out");
            try (Cli.Sending sending = Cli.send("--server", TestServer.url(server).toString(), "--once", file.toString())) {
                String viaRelay = sending.link().replace(":" + server.port() + "/", ":" + relay.port() + "/");
                Cli.Result result = Cli.run(60, "receive", viaRelay, "--out", out.toString());
                assertTrue(altered.get(), "the relay flipped a byte");
                assertEquals(6, result.exitCode(), result.stderr());
                assertEquals(9, sending.awaitExit(30), "send --once: not delivered: " + sending.stderrText());
                assertTrue(sending.stderrText().contains("NOT delivered: contract.pdf"), sending.stderrText());
                assertTrue(!sending.stderrText().contains("sent contract.pdf"), sending.stderrText());
                assertEquals(List.of(), names(out), "nothing is kept of a tampered transfer");
            }
        }
    }

    /** A record as the CLI writes it (README "Resume"), on this machine's boot. */
    private static String record(String sessionId, String fileId, long size, long chunkSize) throws Exception {
        String boot = Files.readString(Path.of("/proc/sys/kernel/random/boot_id"), StandardCharsets.US_ASCII).strip();
        return "{\"version\":1,\"sessionId\":\"" + sessionId + "\",\"fileId\":\"" + fileId + "\",\"name\":\"report.pdf\","
                + "\"size\":" + size + ",\"chunkSize\":" + chunkSize + ",\"durable\":12,\"boot\":\"" + boot + "\"}";
    }

    private static String fileId(String link) throws Exception {
        Invite invite = Invite.parse(link);
        var api = new app.dragnshare.client.api.ServerApi(invite.server());
        return api.listFiles(api.join(invite.sessionId(), invite.joinCode())).getFirst().id();
    }

    private static Path hidden(Path out, String suffix) throws Exception {
        try (var listing = Files.list(out)) {
            return listing.filter(p -> p.getFileName().toString().startsWith(".dns-") && p.toString().endsWith(suffix))
                    .findFirst().orElseThrow(() -> new AssertionError("no " + suffix + " in " + names(out)));
        }
    }

    private static List<String> names(Path out) {
        try (var listing = Files.list(out)) {
            return listing.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    /** A value from the Prometheus text, 0 when the series does not exist yet. */
    private static double metric(Http http, String series) throws Exception {
        String text = http.get("/observe/metrics", null).body();
        Matcher m = Pattern.compile("(?m)^" + series + "[^ ]* ([0-9.eE+-]+)$").matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
