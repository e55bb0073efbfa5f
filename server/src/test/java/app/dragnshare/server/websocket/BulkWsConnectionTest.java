package app.dragnshare.server.websocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.FrameSocket;
import app.dragnshare.server.testing.Http;
import app.dragnshare.server.testing.LogCapture;
import app.dragnshare.server.testing.TestServer;

/**
 * The sharer socket on the real server speaks RFC 6455 through {@link BulkWsConnection}: pings
 * are answered, closes echoed, fragmented text reassembled across split characters, and every
 * broken frame or message closes the connection with its code.
 */
class BulkWsConnectionTest {
    private static DragNShareServer server;
    private static Http http;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        http = new Http(TestServer.url(server));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aPingIsAnsweredWithAPongCarryingItsPayload() throws Exception {
        try (FrameSocket socket = new FrameSocket(server.port())) {
            socket.write(FrameSocket.frame(true, FrameSocket.PING, "are you there?".getBytes()));
            FrameSocket.Frame pong = socket.readSkippingPings();
            assertEquals(FrameSocket.PONG, pong.opcode());
            assertEquals("are you there?", pong.text());
            socket.write(FrameSocket.frame(true, FrameSocket.PING, new byte[0]));
            assertEquals(0, socket.readSkippingPings().payload().length);
        }
    }

    @Test
    void aCloseIsEchoedAndTheConnectionEnds() throws Exception {
        try (FrameSocket socket = new FrameSocket(server.port())) {
            socket.write(FrameSocket.frame(true, FrameSocket.CLOSE, new byte[] {0x03, (byte) 0xE8, 'b', 'y', 'e'}));
            FrameSocket.Frame echo = socket.readSkippingPings();
            assertEquals(FrameSocket.CLOSE, echo.opcode());
            assertEquals(1000, echo.closeCode());
            assertConnectionEnds(socket);
        }
    }

    @Test
    void aFragmentedTextMessageWithASplitCharacterAndAPingBetweenAuthenticates() throws Exception {
        String token = http.post("/api/sessions", null, "{}").json().getString("token");
        byte[] auth = ("{\"type\":\"auth\",\"note\":\"h\u00e9 \u6587\u4ef6 \ud83d\ude00\",\"token\":\"" + token + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        int inEacute = indexOf(auth, (byte) 0xC3) + 1; // between the two bytes of é
        int inEmoji = indexOf(auth, (byte) 0xF0) + 2; // inside the 4 bytes of the emoji
        try (FrameSocket socket = new FrameSocket(server.port())) {
            socket.write(FrameSocket.frame(false, FrameSocket.TEXT, Arrays.copyOfRange(auth, 0, inEacute)));
            socket.write(FrameSocket.frame(true, FrameSocket.PING, "between".getBytes()));
            socket.write(FrameSocket.frame(false, FrameSocket.CONTINUATION, Arrays.copyOfRange(auth, inEacute, inEmoji)));
            socket.write(FrameSocket.frame(false, FrameSocket.CONTINUATION, new byte[0]));
            socket.write(FrameSocket.frame(true, FrameSocket.CONTINUATION, Arrays.copyOfRange(auth, inEmoji, auth.length)));
            FrameSocket.Frame pong = socket.readSkippingPings();
            assertEquals(FrameSocket.PONG, pong.opcode());
            assertEquals("between", pong.text());
            FrameSocket.Frame ready = socket.readSkippingPings();
            assertEquals(FrameSocket.TEXT, ready.opcode(), ready.text());
            JsonObject json = jakarta.json.Json.createReader(new java.io.StringReader(ready.text())).readObject();
            assertEquals("ready", json.getString("type"));
        }
    }

    @Test
    void brokenFramesAndMessagesCloseWithTheirCode() throws Exception {
        byte[] small = "{}".getBytes();
        assertClosesWith(1002, FrameSocket.frame(0x80 | FrameSocket.TEXT, small, false)); // unmasked
        assertClosesWith(1002, FrameSocket.frame(0x80 | 0x40 | FrameSocket.TEXT, small, true)); // RSV1, no extension
        assertClosesWith(1002, FrameSocket.frame(0x80 | 0x3, small, true)); // reserved data opcode
        assertClosesWith(1002, FrameSocket.frame(0x80 | 0xB, small, true)); // reserved control opcode
        assertClosesWith(1002, FrameSocket.frame(FrameSocket.PING, small, true)); // fragmented control frame
        assertClosesWith(1002, FrameSocket.frame(true, FrameSocket.CONTINUATION, small)); // nothing to continue
        assertClosesWith(1002, concat(FrameSocket.frame(false, FrameSocket.TEXT, small),
                FrameSocket.frame(true, FrameSocket.BINARY, small))); // a new message inside a fragmented one
        assertClosesWith(1007, FrameSocket.frame(true, FrameSocket.TEXT, new byte[] {'{', (byte) 0xC3, '}'}));
        assertClosesWith(1007, FrameSocket.frame(true, FrameSocket.TEXT, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}));
        assertClosesWith(1007, concat(FrameSocket.frame(false, FrameSocket.TEXT, new byte[] {'{', (byte) 0xE6}),
                FrameSocket.frame(true, FrameSocket.CONTINUATION, new byte[0]))); // a message that ends mid-character
        assertClosesWith(1002, FrameSocket.frame(true, FrameSocket.CLOSE, new byte[] {0x03})); // a one-byte close
        assertClosesWith(1002, FrameSocket.frame(true, FrameSocket.CLOSE, new byte[] {0x03, (byte) 0xED})); // 1005 may not be sent
        assertClosesWith(1007, FrameSocket.frame(true, FrameSocket.CLOSE, new byte[] {0x03, (byte) 0xE8, (byte) 0xFF}));
    }

    @Test
    void aSharerThatVanishesMidFrameLeavesAtOnceWithoutAServerError() throws Exception {
        String token = http.post("/api/sessions", null, "{}").json().getString("token");
        try (LogCapture log = LogCapture.start()) {
            int before = server.connectedSharers();
            FrameSocket socket = new FrameSocket(server.port());
            socket.text("{\"type\":\"auth\",\"token\":\"" + token + "\"}");
            assertEquals(FrameSocket.TEXT, socket.readSkippingPings().opcode(), "ready");
            byte[] frame = FrameSocket.frame(true, FrameSocket.BINARY, new byte[1000]);
            socket.write(Arrays.copyOf(frame, 40)); // the header and 32 bytes of a 1000-byte chunk message
            Thread.sleep(200);
            socket.close(); // gone, without a close frame
            long deadline = System.nanoTime() + 3_000_000_000L; // far below the 10 s ping interval
            while (server.connectedSharers() > before && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(before, server.connectedSharers(), "the socket was let go when its connection ended");
            assertTrue(log.warnings().isEmpty(), "a vanished client is not a server failure: " + log.warnings());
        }
    }

    private static void assertClosesWith(int code, byte[] wire) throws Exception {
        try (FrameSocket socket = new FrameSocket(server.port())) {
            socket.write(wire);
            FrameSocket.Frame close = socket.readSkippingPings();
            assertEquals(FrameSocket.CLOSE, close.opcode());
            assertEquals(code, close.closeCode(), close.text());
            assertTrue(close.payload().length > 2, "a reason is given");
            assertConnectionEnds(socket);
        }
    }

    private static void assertConnectionEnds(FrameSocket socket) throws Exception {
        try {
            FrameSocket.Frame more = socket.readSkippingPings();
            throw new AssertionError("the server sent another frame: " + more.opcode());
        } catch (EOFException | java.net.SocketException expected) {
            // the server closed the TCP connection
        }
    }

    private static int indexOf(byte[] bytes, byte b) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        throw new AssertionError("no byte " + b);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }
}
