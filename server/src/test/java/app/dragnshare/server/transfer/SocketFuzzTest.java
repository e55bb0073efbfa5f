package app.dragnshare.server.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.Http;
import app.dragnshare.server.testing.JsonFuzz;
import app.dragnshare.server.testing.RawSocket;
import app.dragnshare.server.testing.TestServer;

/** Whatever an authenticated sharer sends, it gets a protocol close code or an error answer (never 1011), and the server goes on. */
class SocketFuzzTest {
    private static DragNShareServer server;
    private static String token;

    @BeforeContainer
    static void start() throws Exception {
        server = TestServer.start(Map.of("MAX_REQUEST_BYTES", "4096"), RelayTap.NONE);
        token = new Http(TestServer.url(server)).post("/api/sessions", null, "{}").json().getString("token");
    }

    @AfterContainer
    static void stop() {
        server.close();
    }

    /** A protocol close, or an error answer (a message about a transfer this socket does not run). */
    private static final Set<String> CLEAN_REACTIONS = Set.of("close 4400", "close 1009", "error unknown-transfer");

    @Property(tries = 120)
    void anyTextMessage(@ForAll("messages") String message) throws Exception {
        try (RawSocket socket = RawSocket.authenticated(server.port(), token)) {
            socket.text(message);
            String reaction = socket.reaction(10_000);
            assertTrue(CLEAN_REACTIONS.contains(reaction), reaction + " (" + socket.closeReason() + ") for " + message);
        }
    }

    @Property(tries = 80)
    void anyBinaryMessage(@ForAll @Size(max = 2000) byte[] bytes) throws Exception {
        try (RawSocket socket = RawSocket.authenticated(server.port(), token)) {
            socket.binary(bytes);
            String reaction = socket.reaction(10_000);
            assertEquals(bytes.length < 20 ? "close 4400" : "error unknown-transfer", reaction, socket.closeReason());
        }
    }

    @Provide
    Arbitrary<String> messages() {
        List<String> names = List.of("type", "transferId", "publicKey", "hmac", "name", "size", "chunkSize", "chunks", "code");
        return Arbitraries.oneOf(
                JsonFuzz.bodies(names),
                JsonFuzz.objectsWith(names).map(o -> o.replaceFirst("\\{", "{\"type\":\"offer\",")),
                JsonFuzz.objectsWith(names).map(o -> o.replaceFirst("\\{", "{\"type\":\"decline\",")),
                Arbitraries.strings().ofMinLength(4097).ofMaxLength(5000));
    }
}
