package app.dragnshare.server.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Http;
import app.dragnshare.server.testing.Fuzz;
import app.dragnshare.server.testing.LogCapture;
import app.dragnshare.server.testing.RawSocket;
import app.dragnshare.server.testing.TestServer;
import app.dragnshare.server.relay.RelayTap;

/** Whatever an authenticated sharer sends, it gets a protocol close code or an error answer (never 1011), and the server goes on. */
class SocketFuzzTest {
    private static DragNShareServer server;
    private static String token;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(Map.of("MAX_REQUEST_BYTES", "4096"), RelayTap.NONE);
        token = new Http(TestServer.url(server)).post("/api/sessions", null, "{}").json().getString("token");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A protocol close, or an error answer (a message about a transfer this socket does not run). */
    private static final Set<String> CLEAN_REACTIONS = Set.of("close 4400", "close 1009", "error unknown-transfer");

    @Test
    void anyTextMessage() throws Exception {
        Random r = Fuzz.random("socket-text");
        for (int i = 0; i < 120; i++) {
            String message = message(r);
            try (RawSocket socket = RawSocket.authenticated(server.port(), token)) {
                socket.text(message);
                String reaction = socket.reaction(10_000);
                assertTrue(CLEAN_REACTIONS.contains(reaction), reaction + " (" + socket.closeReason() + ") for " + Fuzz.show(message));
            }
        }
    }

    @Test
    void anyBinaryMessage() throws Exception {
        Random r = Fuzz.random("socket-binary");
        for (int i = 0; i < 80; i++) {
            byte[] bytes = Fuzz.bytes(r, i < 20 ? 19 : 2000); // the first ones shorter than a chunk header
            try (RawSocket socket = RawSocket.authenticated(server.port(), token)) {
                socket.binary(bytes);
                String reaction = socket.reaction(10_000);
                assertEquals(bytes.length < 20 ? "close 4400" : "error unknown-transfer", reaction,
                        socket.closeReason() + " for " + bytes.length + " bytes [fuzz.seed=" + Fuzz.SEED + "]");
            }
        }
    }

    @Test
    void jsonNestedTooDeepOrWithNumbersTooLongIsAProtocolErrorBeforeAndAfterAuth() throws Exception {
        List<String> hostile = List.of(
                "[".repeat(1_100) + "]".repeat(1_100),
                "{\"type\":\"auth\",\"token\":" + "[".repeat(40) + "]".repeat(40) + "}",
                "{\"type\":\"cancel\",\"transferId\":" + "1".repeat(1_200) + "}",
                "{\"type\":\"offer\",\"size\":1" + "0".repeat(150) + "}");
        for (String message : hostile) {
            for (boolean authenticated : new boolean[] {false, true}) {
                try (LogCapture log = LogCapture.start();
                     RawSocket socket = authenticated ? RawSocket.authenticated(server.port(), token) : RawSocket.open(server.port())) {
                    socket.text(message);
                    String what = (authenticated ? "after" : "before") + " auth: " + Fuzz.show(message);
                    assertEquals("close 4400", socket.reaction(10_000), socket.closeReason() + " " + what);
                    assertEquals(List.of(), log.warnings(), what);
                }
            }
        }
    }

    private static final List<String> NAMES = List.of("type", "transferId", "publicKey", "hmac", "name", "size",
            "chunkSize", "chunks", "code");

    /** The other names, so a typed message names "type" once and reaches the message's own checks. */
    private static final List<String> NAMES_BUT_TYPE = NAMES.subList(1, NAMES.size());

    private static String typed(String type, String object) {
        return "{\"type\":\"" + type + "\"" + (object.equals("{}") ? "}" : "," + object.substring(1));
    }

    /** A text frame's message: always well-formed UTF-16, since the JDK client refuses to send anything else. */
    private static String message(Random r) {
        return Fuzz.wellFormed(switch (r.nextInt(4)) {
            case 0 -> Fuzz.body(r, NAMES);
            case 1 -> typed("offer", Fuzz.objectWith(r, NAMES_BUT_TYPE));
            case 2 -> typed("decline", Fuzz.objectWith(r, NAMES_BUT_TYPE));
            default -> Fuzz.text(r, "ab{}\":,x", 4097, 5000); // over MAX_REQUEST_BYTES
        });
    }
}
