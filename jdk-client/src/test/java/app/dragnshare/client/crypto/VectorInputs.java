package app.dragnshare.client.crypto;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.ECPrivateKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import app.dragnshare.client.api.Invite;
import app.dragnshare.client.json.Json;

/**
 * Computes PROTOCOL.md's test vectors from their fixed inputs with this client's crypto code.
 * Run {@code main} to print them (that is how the block in PROTOCOL.md was made, and then
 * checked against WebCrypto); {@link ProtocolVectorsTest} holds the code to the printed values.
 */
public final class VectorInputs {
    static final HexFormat HEX = HexFormat.of();
    static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private VectorInputs() {
    }

    /** Every derived value, keyed as in PROTOCOL.md, from the inputs given in {@code inputs}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> derive(Map<String, Object> inputs) throws Exception {
        String sessionId = (String) inputs.get("sessionId");
        byte[] secret = HEX.parseHex((String) inputs.get("secret"));
        String transferId = (String) inputs.get("transferId");
        String fileId = (String) inputs.get("fileId");
        Map<String, Object> receiver = (Map<String, Object>) inputs.get("receiver");
        Map<String, Object> sender = (Map<String, Object>) inputs.get("sender");
        byte[] receiverKey = HEX.parseHex((String) receiver.get("publicKey"));
        byte[] senderKey = HEX.parseHex((String) sender.get("publicKey"));
        Map<String, Object> offer = (Map<String, Object>) inputs.get("offer");

        SessionKeys keys = SessionKeys.derive(sessionId, secret);
        OfferTerms terms = new OfferTerms(senderKey, (String) offer.get("name"), (Long) offer.get("size"),
                (Long) offer.get("chunkSize"), (Long) offer.get("chunks"), 0);
        long start = (Long) ((Map<String, Object>) inputs.get("resume")).get("start");
        OfferTerms resumedTerms = new OfferTerms(senderKey, terms.name(), terms.size(), terms.chunkSize(), terms.chunks(), start);
        byte[] shared = P256.sharedSecret(privateKey((String) receiver.get("d")), P256.decode(senderKey));
        byte[] sharedFromSender = P256.sharedSecret(privateKey((String) sender.get("d")), P256.decode(receiverKey));
        if (!java.util.Arrays.equals(shared, sharedFromSender)) {
            throw new IllegalStateException("ECDH does not agree");
        }
        byte[] chunkKey = keys.chunkKey(shared, transferId, receiverKey, senderKey);
        ChunkCipher cipher = new ChunkCipher(chunkKey, transferId);

        Map<String, Object> out = new LinkedHashMap<>();
        out.put("authKey", HEX.formatHex(keys.authKey()));
        out.put("requestTranscript", HEX.formatHex(SessionKeys.requestTranscript(transferId, fileId, receiverKey, 0)));
        out.put("requestHmac", B64URL.encodeToString(keys.requestMac(transferId, fileId, receiverKey, 0)));
        out.put("offerTranscript", HEX.formatHex(SessionKeys.offerTranscript(transferId, fileId, receiverKey, terms)));
        byte[] offerMac = keys.offerMac(transferId, fileId, receiverKey, terms);
        out.put("offerHmac", B64URL.encodeToString(offerMac));
        out.put("ecdhSecret", HEX.formatHex(shared));
        out.put("chunkKeyInfo", HEX.formatHex(SessionKeys.chunkKeyInfo(transferId, receiverKey, senderKey)));
        out.put("chunkKey", HEX.formatHex(chunkKey));
        byte[] receiptKey = keys.receiptKey(shared, transferId, receiverKey, senderKey);
        out.put("receiptKey", HEX.formatHex(receiptKey));
        out.put("receipt", B64URL.encodeToString(SessionKeys.receipt(receiptKey, transferId, offerMac, terms.chunks())));
        Map<String, Object> resumed = new LinkedHashMap<>();
        resumed.put("requestTranscript", HEX.formatHex(SessionKeys.requestTranscript(transferId, fileId, receiverKey, start)));
        resumed.put("requestHmac", B64URL.encodeToString(keys.requestMac(transferId, fileId, receiverKey, start)));
        resumed.put("offerTranscript", HEX.formatHex(SessionKeys.offerTranscript(transferId, fileId, receiverKey, resumedTerms)));
        byte[] resumedOfferMac = keys.offerMac(transferId, fileId, receiverKey, resumedTerms);
        resumed.put("offerHmac", B64URL.encodeToString(resumedOfferMac));
        resumed.put("receipt", B64URL.encodeToString(SessionKeys.receipt(receiptKey, transferId, resumedOfferMac, terms.chunks())));
        out.put("resumed", resumed);
        List<Object> chunks = new java.util.ArrayList<>();
        for (Object o : (List<Object>) inputs.get("chunks")) {
            Map<String, Object> chunk = (Map<String, Object>) o;
            long index = (Long) chunk.get("index");
            boolean last = (Boolean) chunk.get("last");
            byte[] plaintext = ((String) chunk.get("plaintext")).getBytes(StandardCharsets.UTF_8);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("index", index);
            c.put("nonce", HEX.formatHex(ChunkCipher.nonce(index)));
            c.put("aad", HEX.formatHex(cipher.aad(index, last)));
            c.put("ciphertext", Base64.getEncoder().encodeToString(cipher.seal(index, last, plaintext)));
            chunks.add(c);
        }
        out.put("chunks", chunks);
        Invite invite = Invite.parse((String) inputs.get("invite"));
        out.put("invite", ordered("server", invite.server().toString(), "sessionId", invite.sessionId(),
                "joinCode", invite.joinCode(), "secret", HEX.formatHex(invite.secret())));
        return out;
    }

    static PrivateKey privateKey(String hex) throws GeneralSecurityException {
        return KeyFactory.getInstance("EC").generatePrivate(
                new ECPrivateKeySpec(new BigInteger(1, HEX.parseHex(hex)), P256.parameters()));
    }

    /** The inputs as first chosen; the public keys belong to the private scalars d. */
    static Map<String, Object> defaultInputs() {
        Map<String, Object> inputs = new LinkedHashMap<>();
        inputs.put("sessionId", "Q1RmLWRucy10ZXN0LTAwMQ");
        inputs.put("secret", "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
        inputs.put("transferId", "dHJhbnNmZXItdGVzdC0wMQ");
        inputs.put("fileId", "ZmlsZS10ZXN0LTAwMDAwMQ");
        inputs.put("receiver", ordered("d", "232137a6054438bde2855b0a488857b459806ec0510d9897ddc57387ec13dc2f",
                "publicKey", "0427b0c97a77c8dc6c0ebf76edfa82d63a7fdd37fa537e5b5552de3d4f1634d75c"
                        + "54367991a281c9526a0d0ca8365155c7cd615011eeea2a7300e583ec83e412fb"));
        inputs.put("sender", ordered("d", "049cc833265b113a3650efc3fb3964b5128ae75040ed787431ac71bdbeb320a7",
                "publicKey", "0459946e78823437be40ea6962272c67a8d70d0097e7c662ab64a463401d403c82"
                        + "d8267b75a25db2a06b3407db1949744485078a5deecaf9195c4f9785d70fe20a"));
        Map<String, Object> offer = new LinkedHashMap<>();
        offer.put("name", "hello wörld.txt");
        offer.put("size", 300000L);
        offer.put("chunkSize", 262144L);
        offer.put("chunks", 2L);
        inputs.put("offer", offer);
        inputs.put("resume", ordered("start", 1L));
        inputs.put("chunks", List.of(
                ordered("index", 0L, "last", false, "plaintext", "Drag-n-Share chunk 0"),
                ordered("index", 1L, "last", true, "plaintext", ""),
                ordered("index", 2L, "last", true, "plaintext", "Drag-n-Share last chunk 2")));
        inputs.put("invite", "https://share.example.org/s/Q1RmLWRucy10ZXN0LTAwMQ#FEEQT1NPAK4J."
                + "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8");
        return inputs;
    }

    static Map<String, Object> ordered(Object... pairs) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    public static void main(String[] args) throws Exception {
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("inputs", defaultInputs());
        all.put("expected", derive(defaultInputs()));
        System.out.println(Json.write(all));
    }
}
