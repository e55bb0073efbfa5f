package app.dragnshare.server.listener;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.config.ConfigException;
import app.dragnshare.server.redis.FreePort;
import app.dragnshare.server.testing.Cli;
import app.dragnshare.server.testing.ConnectionFlood;
import app.dragnshare.server.testing.Http;
import app.dragnshare.server.testing.RawSocket;
import app.dragnshare.server.testing.ServerProcess;
import app.dragnshare.server.testing.TestFiles;
import app.dragnshare.server.testing.TestServer;

/**
 * The listener against an attacker who only opens connections: it keeps accepting, frees what
 * idle and slow clients hold, and says clearly when it cannot listen at all.
 */
class ListenerTest {
    /** Low enough that the flood below would exhaust it without the caps. */
    private static final int DESCRIPTOR_LIMIT = 256;

    @TempDir
    Path dir;

    @Test
    void aFloodOfIdleAndSlowHeaderConnectionsLeavesTheServerServing() throws Exception {
        Map<String, String> settings = Map.of("REDIS_POOL_SIZE", "16", "HEADER_TIMEOUT", "2s", "MAX_CONNECTIONS_PER_ADDRESS", "100");
        try (ServerProcess server = ServerProcess.startWithDescriptorLimit(settings, DESCRIPTOR_LIMIT)) {
            // 400 silent and 100 dribbling connections from five addresses, held for 8 s: twice the descriptors there are
            try (ConnectionFlood flood = ConnectionFlood.open(server.port(), 5, 400, 100, Duration.ofSeconds(1))) {
                System.out.println("flood: " + flood.opened() + " connections opened, " + flood.failedConnects() + " not");
                long asked = System.nanoTime();
                Http.Reply info = new Http(server.url()).get("/api/info", null);
                long millis = (System.nanoTime() - asked) / 1_000_000;
                System.out.println("during the flood: /api/info answered " + info.status() + " in " + millis + " ms");
                assertEquals(200, info.status());
                assertTrue(millis < 5_000, "a real client waited " + millis + " ms behind the flood");
                Thread.sleep(8_000);
                assertTrue(flood.closedByServer() > 0, "the server closed none of the flood's connections");
            }
            Path file = TestFiles.random(dir, "after-the-flood.bin", 3 * 1024 * 1024 + 7, 11);
            long started = System.nanoTime();
            try (Cli.Sending sending = Cli.send("--server", server.url().toString(), "--once", file.toString())) {
                Cli.Result received = Cli.run(60, "receive", sending.link(), "--out", dir.resolve("out").toString());
                System.out.printf("after the flood: send + receive of 3 MB took %d ms%n", (System.nanoTime() - started) / 1_000_000);
                assertEquals(0, received.exitCode(), received.stderr() + "\nserver log:\n" + tail(server.log()));
                assertTrue(TestFiles.sameBytes(file, dir.resolve("out").resolve(file.getFileName().toString())));
            }
            assertFalse(server.log().contains("terminating now"), "the listener died:\n" + tail(server.log()));
            // under 256 descriptors the 10000 default cannot hold: the server sized the cap down and said so
            String lowered = server.log().lines().filter(l -> l.contains("MAX_CONNECTIONS lowered")).findFirst().orElse("");
            assertFalse(lowered.isEmpty(), "no warning that MAX_CONNECTIONS was lowered:\n" + tail(server.log()));
            System.out.println(lowered);
        }
    }

    @Test
    void slowAndSilentRequestHeadsAreCutAfterTheHeaderTimeout() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of("HEADER_TIMEOUT", "2s"));
             Socket silent = connect(server.port());
             Socket slow = connect(server.port())) {
            long started = System.nanoTime();
            CompletableFuture<Long> silentClosed = closedAfter(silent, started);
            CompletableFuture<Long> slowClosed = closedAfter(slow, started);
            byte[] head = "GET /api/info HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < head.length && !slowClosed.isDone(); i++) {
                slow.getOutputStream().write(head[i]); // one byte every 500 ms: 28 s for the whole head
                Thread.sleep(500);
            }
            for (CompletableFuture<Long> closed : java.util.List.of(silentClosed, slowClosed)) {
                long millis = closed.get(10, TimeUnit.SECONDS);
                assertTrue(millis >= 1_500 && millis <= 4_500, "closed after " + millis + " ms, expected about 2 s");
            }
        }
    }

    @Test
    void aSharersSocketOutlivesTheHeaderAndIdleTimeouts() throws Exception {
        try (DragNShareServer server = TestServer.start(Map.of("HEADER_TIMEOUT", "1s", "IDLE_TIMEOUT", "20s"),
                app.dragnshare.server.relay.RelayTap.NONE)) {
            Http http = new Http(TestServer.url(server));
            String token = http.post("/api/sessions", null, "{}").json().getString("token");
            try (RawSocket socket = RawSocket.authenticated(server.port(), token)) {
                Thread.sleep(25_000); // silent but for the client's answers to the server's pings
                assertEquals("nothing", socket.reaction(200), "the sharer's socket was closed");
                assertEquals(1, server.connectedSharers());
            }
        }
    }

    @Test
    void theConnectionCapFitsUnderTheDescriptorLimit() {
        assertEquals(new DescriptorBudget(10_000, java.util.Optional.empty()), DescriptorBudget.of(10_000, 512, 65_536, 100));
        DescriptorBudget lowered = DescriptorBudget.of(10_000, 512, 1_024, 100);
        assertEquals(1_024 - 100 - 512 - DescriptorBudget.RESERVE, lowered.connections());
        assertTrue(lowered.warning().orElseThrow().contains("ulimit -n"), lowered.warning().orElseThrow());
        ConfigException tooFew = assertThrows(ConfigException.class, () -> DescriptorBudget.of(10_000, 512, 600, 100));
        assertTrue(tooFew.getMessage().contains("REDIS_POOL_SIZE"), tooFew.getMessage());
    }

    @Test
    void anIpv6ClientCountsByItsSlash64() throws Exception {
        assertEquals("203.0.113.7", GuardedSelector.slotKey(InetAddress.getByName("203.0.113.7")));
        assertEquals(GuardedSelector.slotKey(InetAddress.getByName("2001:db8::1")),
                GuardedSelector.slotKey(InetAddress.getByName("2001:db8::ffff:2")));
        assertFalse(GuardedSelector.slotKey(InetAddress.getByName("2001:db8::1"))
                .equals(GuardedSelector.slotKey(InetAddress.getByName("2001:db8:0:1::1"))));
    }

    @Test
    void aClientOverItsAddressCapIsRefusedWhileOthersAreServed() throws Exception {
        try (DragNShareServer server = TestServer.start(Map.of("MAX_CONNECTIONS_PER_ADDRESS", "5"),
                app.dragnshare.server.relay.RelayTap.NONE);
             ConnectionFlood held = ConnectionFlood.open(server.port(), 1, 5, 0, Duration.ofSeconds(1))) {
            Thread.sleep(300);
            assertEquals(0, held.closedByServer(), "connections within the cap stay open");
            try (Socket sixth = connectFrom(server.port(), 2)) {
                assertTrue(closedAfter(sixth, System.nanoTime()).get(5, TimeUnit.SECONDS) < 1_000,
                        "the sixth connection from 127.0.0.2 is closed at once");
            }
            try (Socket other = connectFrom(server.port(), 3)) {
                other.getOutputStream().write("GET /api/info HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                String status = new java.io.BufferedReader(new java.io.InputStreamReader(other.getInputStream(),
                        StandardCharsets.US_ASCII)).readLine();
                assertEquals("HTTP/1.1 200 OK", status, "another address is served");
            }
        }
    }

    @Test
    void aPortThatIsTakenIsAOneLineErrorAndANonZeroExit() throws Exception {
        int port = FreePort.find();
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", port));
            ServerProcess.Exited exited = ServerProcess.runUntilExit(Map.of(), port, 60);
            assertEquals(1, exited.exitCode(), exited.output());
            assertTrue(exited.output().lines().anyMatch(line -> line.startsWith("Drag-n-Share cannot start: cannot listen on port "
                    + port)), exited.output());
            assertFalse(exited.output().contains("is running"), exited.output());
        }
    }

    @Test
    void aListenerThatDiesEndsTheProcessWithAnError() throws Exception {
        try (ServerProcess server = ServerProcess.start(Map.of("HEADER_TIMEOUT", "5s", "MAX_CONNECTIONS_PER_ADDRESS", "1000"))) {
            // descriptors vanish under the running server (as when something else leaks them): the caps sized at startup no longer fit
            long open = openDescriptors(server.pid());
            Process prlimit = new ProcessBuilder("prlimit", "--pid", Long.toString(server.pid()), "--nofile=" + (open + 30))
                    .inheritIO().start();
            assertEquals(0, prlimit.waitFor());
            try (ConnectionFlood flood = ConnectionFlood.open(server.port(), 4, 200, 0, Duration.ofSeconds(1))) {
                Thread.sleep(1_000);
            }
            assertTrue(server.awaitExit(30), "the process lives on without a listener:\n" + tail(server.log()));
            assertEquals(DragNShareServer.EXIT_LISTENER_DIED, server.exitValue(), tail(server.log()));
            assertTrue(server.log().contains("accepts no more connections"), tail(server.log()));
        }
    }

    private static long openDescriptors(long pid) throws Exception {
        try (var fds = java.nio.file.Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        }
    }

    private static Socket connect(int port) throws Exception {
        return new Socket(InetAddress.getLoopbackAddress(), port);
    }

    private static Socket connectFrom(int port, int lastOctet) throws Exception {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) lastOctet}), 0));
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
        return socket;
    }

    /** Milliseconds from {@code startNanos} until the server closes {@code socket} (reads until end of stream). */
    private static CompletableFuture<Long> closedAfter(Socket socket, long startNanos) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                InputStream in = socket.getInputStream();
                while (in.read() >= 0) {
                    // drain whatever comes before the close
                }
            } catch (java.io.IOException e) {
                // a reset is a close too
            }
            return (System.nanoTime() - startNanos) / 1_000_000;
        });
    }

    private static String tail(String log) {
        return log.length() <= 4_000 ? log : log.substring(log.length() - 4_000);
    }
}
