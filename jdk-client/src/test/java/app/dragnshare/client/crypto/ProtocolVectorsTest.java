package app.dragnshare.client.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import app.dragnshare.client.json.Json;

/** Holds this client's crypto to the test vectors written in PROTOCOL.md (section 10). */
class ProtocolVectorsTest {

    @SuppressWarnings("unchecked")
    static Map<String, Object> vectorsFromProtocol() throws Exception {
        Path protocol = Path.of("..", "PROTOCOL.md");
        assertTrue(Files.exists(protocol), "PROTOCOL.md not found next to the jdk-client module");
        String text = Files.readString(protocol);
        int start = text.indexOf("```json test-vectors");
        assertTrue(start >= 0, "PROTOCOL.md has no ```json test-vectors block");
        start = text.indexOf('\n', start) + 1;
        int end = text.indexOf("```", start);
        return (Map<String, Object>) Json.parse(text.substring(start, end));
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyDerivedValueMatchesProtocolMd() throws Exception {
        Map<String, Object> vectors = vectorsFromProtocol();
        Map<String, Object> expected = (Map<String, Object>) vectors.get("expected");
        Map<String, Object> derived = VectorInputs.derive((Map<String, Object>) vectors.get("inputs"));
        for (String key : List.of("authKey", "requestTranscript", "requestHmac", "offerTranscript", "offerHmac", "ecdhSecret",
                "chunkKeyInfo", "chunkKey", "receiptKey", "receipt")) {
            assertEquals(expected.get(key), derived.get(key), key);
        }
        assertEquals(expected.get("chunks"), derived.get("chunks"), "chunk nonces, AADs and ciphertexts");
        assertEquals(expected.get("resumed"), derived.get("resumed"), "a resumed request's transcripts, HMACs and receipt");
        assertEquals(expected.get("invite"), derived.get("invite"), "the parsed invite of section 3");
    }

    @Test
    @SuppressWarnings("unchecked")
    void vectorCiphertextsDecryptAndResistTampering() throws Exception {
        Map<String, Object> vectors = vectorsFromProtocol();
        Map<String, Object> inputs = (Map<String, Object>) vectors.get("inputs");
        Map<String, Object> expected = (Map<String, Object>) vectors.get("expected");
        ChunkCipher cipher = new ChunkCipher(VectorInputs.HEX.parseHex((String) expected.get("chunkKey")),
                (String) inputs.get("transferId"));
        Map<String, Object> chunk0 = ((List<Map<String, Object>>) expected.get("chunks")).getFirst();
        byte[] ciphertext = Base64.getDecoder().decode((String) chunk0.get("ciphertext"));

        assertEquals("Drag-n-Share chunk 0", new String(cipher.open(0, false, ciphertext)));
        assertThrows(TamperingException.class, () -> cipher.open(0, true, ciphertext), "last flag is authenticated");
        assertThrows(TamperingException.class, () -> cipher.open(1, false, ciphertext), "index is authenticated");
        ciphertext[3] ^= 1;
        assertThrows(TamperingException.class, () -> cipher.open(0, false, ciphertext), "bytes are authenticated");
    }

    @Test
    @SuppressWarnings("unchecked")
    void requestAndOfferMacsVerifyAndRejectSwappedKeys() throws Exception {
        Map<String, Object> inputs = (Map<String, Object>) vectorsFromProtocol().get("inputs");
        SessionKeys keys = SessionKeys.derive((String) inputs.get("sessionId"),
                VectorInputs.HEX.parseHex((String) inputs.get("secret")));
        byte[] receiverKey = VectorInputs.HEX.parseHex((String) ((Map<String, Object>) inputs.get("receiver")).get("publicKey"));
        byte[] otherKey = new TransferKeys().publicKey();
        byte[] mac = keys.requestMac("t", "f", receiverKey, 0);

        keys.verifyRequest("t", "f", receiverKey, 0, mac);
        assertThrows(TamperingException.class, () -> keys.verifyRequest("t", "f", otherKey, 0, mac));
        assertThrows(TamperingException.class, () -> keys.verifyRequest("t2", "f", receiverKey, 0, mac));
        SessionKeys otherSession = SessionKeys.derive("other", VectorInputs.HEX.parseHex((String) inputs.get("secret")));
        assertThrows(TamperingException.class, () -> otherSession.verifyRequest("t", "f", receiverKey, 0, mac));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aRelayCannotChangeTheStartOfAResumedRequest() throws Exception {
        Map<String, Object> vectors = vectorsFromProtocol();
        Map<String, Object> inputs = (Map<String, Object>) vectors.get("inputs");
        Map<String, Object> resumed = (Map<String, Object>) ((Map<String, Object>) vectors.get("expected")).get("resumed");
        SessionKeys keys = SessionKeys.derive((String) inputs.get("sessionId"), VectorInputs.HEX.parseHex((String) inputs.get("secret")));
        String transferId = (String) inputs.get("transferId");
        String fileId = (String) inputs.get("fileId");
        byte[] receiverKey = VectorInputs.HEX.parseHex((String) ((Map<String, Object>) inputs.get("receiver")).get("publicKey"));
        byte[] mac = Base64.getUrlDecoder().decode((String) resumed.get("requestHmac"));

        keys.verifyRequest(transferId, fileId, receiverKey, 1, mac);
        assertThrows(TamperingException.class, () -> keys.verifyRequest(transferId, fileId, receiverKey, 0, mac), "start 1 sent as 0");
        assertThrows(TamperingException.class, () -> keys.verifyRequest(transferId, fileId, receiverKey, 2, mac), "start 1 sent as 2");
    }
}
