package app.dragnshare.server.browser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import app.dragnshare.server.DragNShareServer;
import app.dragnshare.server.testing.TestServer;

/**
 * The page's crypto module, run inside Chromium, derives exactly PROTOCOL.md's test vectors
 * (read from the ```json test-vectors block, as jdk-client's ProtocolVectorsTest does) and
 * refuses swapped keys, altered offers, off-curve points and altered or misplaced chunks.
 */
@Tag("browser")
class PageCryptoVectorsTest {
    @TempDir
    Path dir;

    static JsonObject vectorsFromProtocol() throws Exception {
        String text = Files.readString(Path.of("..", "PROTOCOL.md"));
        int start = text.indexOf("```json test-vectors");
        assertTrue(start >= 0, "PROTOCOL.md has no ```json test-vectors block");
        start = text.indexOf('\n', start) + 1;
        try (var reader = Json.createReader(new StringReader(text.substring(start, text.indexOf("```", start))))) {
            return reader.readObject();
        }
    }

    @Test
    void pageCryptoDerivesProtocolVectorsAndRefusesTampering() throws Exception {
        JsonObject vectors = vectorsFromProtocol();
        JsonObject expected = vectors.getJsonObject("expected");
        String script = Files.readString(Path.of("..", "web", "test", "protocol-vectors.js"));
        try (DragNShareServer server = TestServer.start(); Browser browser = Browser.start(dir.resolve("downloads"))) {
            browser.open(TestServer.url(server).resolve("/"));
            Object answer = browser.driver().executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "(" + script + ")(JSON.parse(arguments[0]))"
                    + ".then(r => done(JSON.stringify(r)), e => done('failed: ' + e + '\\n' + e.stack));",
                    vectors.toString());
            assertTrue(answer instanceof String s && s.startsWith("{"), "the page's crypto failed: " + answer);
            JsonObject result = Json.createReader(new StringReader((String) answer)).readObject();
            JsonObject derived = result.getJsonObject("derived");
            for (String key : List.of("authKey", "requestTranscript", "requestHmac", "offerTranscript", "offerHmac",
                    "ecdhSecret", "chunkKeyInfo", "chunkKey")) {
                assertEquals(expected.getString(key), derived.getString(key), key);
            }
            assertEquals(expected.getJsonArray("chunks"), derived.getJsonArray("chunks"), "chunk nonces, AADs and ciphertexts");
            assertEquals(expected.getJsonObject("invite"), derived.getJsonObject("invite"), "the parsed invite of section 3");

            JsonObject checks = result.getJsonObject("checks");
            assertEquals("Drag-n-Share chunk 0", checks.getString("receiverDecryptsChunk0"));
            assertEquals(expected.getJsonArray("chunks").getJsonObject(1).getString("ciphertext"),
                    checks.getString("senderSealsChunk1"), "the sharer's side derives the same chunk key");
            assertTrue(checks.getBoolean("ecdhAgrees"), "both sides derive one ECDH secret");
            assertEquals("accepted", checks.getString("requestVerifies"));
            assertEquals("accepted", checks.getString("offerVerifies"));
            for (String tampered : List.of("swappedRequestKey", "swappedOfferKey", "changedOfferSize", "wrongLastFlag",
                    "wrongIndex", "flippedByte", "offCurveKey", "compressedKey")) {
                assertEquals("tampering", checks.getString(tampered), tampered);
            }
            assertEquals(1, checks.getInt("emptyFileChunks"), "an empty file still has one authenticated chunk");
        }
    }
}
