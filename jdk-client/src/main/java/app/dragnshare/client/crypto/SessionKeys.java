package app.dragnshare.client.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * What every member derives from the session secret in the invite's fragment. The server never
 * sees the secret, so it can neither compute these MACs nor swap a public key unnoticed.
 */
public final class SessionKeys {
    public static final int SECRET_LENGTH = 32;
    private static final String REQUEST_LABEL = "dns/v1 request";
    private static final String OFFER_LABEL = "dns/v1 offer";
    private static final String RECEIPT_KEY_LABEL = "dns/v2 receipt key";
    private static final String RECEIPT_LABEL = "dns/v2 receipt";

    private final byte[] secret;
    private final byte[] authKey;

    private SessionKeys(byte[] secret, byte[] authKey) {
        this.secret = secret;
        this.authKey = authKey;
    }

    public static SessionKeys derive(String sessionId, byte[] secret) {
        if (secret.length != SECRET_LENGTH) {
            throw new IllegalArgumentException("the session secret must be " + SECRET_LENGTH + " bytes");
        }
        byte[] authKey = Hkdf.sha256(secret, sessionId.getBytes(StandardCharsets.UTF_8),
                Transcript.of("dns/v1 auth key").toBytes(), 32);
        return new SessionKeys(secret.clone(), authKey);
    }

    public static byte[] newSecret() {
        byte[] secret = new byte[SECRET_LENGTH];
        new SecureRandom().nextBytes(secret);
        return secret;
    }

    public byte[] secret() {
        return secret.clone();
    }

    public byte[] authKey() {
        return authKey.clone();
    }

    /**
     * The receiver's request transcript (PROTOCOL.md §4.3): a resumed request (start > 0) appends
     * its first chunk, so a whole-file request stays byte for byte a version 1 one.
     */
    public static byte[] requestTranscript(String transferId, String fileId, byte[] receiverKey, long start) {
        return withStart(Transcript.of(REQUEST_LABEL).add(transferId).add(fileId).add(receiverKey), start).toBytes();
    }

    /** The sharer's offer transcript (§4.4); binds the receiver's key and the request's start. */
    public static byte[] offerTranscript(String transferId, String fileId, byte[] receiverKey, OfferTerms terms) {
        return withStart(Transcript.of(OFFER_LABEL).add(transferId).add(fileId).add(receiverKey).add(terms.senderKey())
                .add(terms.name()).add(terms.size()).add(terms.chunkSize()).add(terms.chunks()), terms.start()).toBytes();
    }

    /** The receiver's MAC over its download request. */
    public byte[] requestMac(String transferId, String fileId, byte[] receiverKey, long start) {
        return mac(authKey, requestTranscript(transferId, fileId, receiverKey, start));
    }

    /** The sharer's MAC over its answer; it binds the receiver's key too, so an offer cannot be replayed to another request. */
    public byte[] offerMac(String transferId, String fileId, byte[] receiverKey, OfferTerms terms) {
        return mac(authKey, offerTranscript(transferId, fileId, receiverKey, terms));
    }

    public void verifyRequest(String transferId, String fileId, byte[] receiverKey, long start, byte[] mac)
            throws TamperingException {
        if (!MessageDigest.isEqual(requestMac(transferId, fileId, receiverKey, start), mac)) {
            throw new TamperingException("the request does not verify against this session's key (request HMAC): a "
                    + "mistyped or incomplete link, or a key or resume point altered on the way");
        }
    }

    public void verifyOffer(String transferId, String fileId, byte[] receiverKey, OfferTerms terms, byte[] mac)
            throws TamperingException {
        if (!MessageDigest.isEqual(offerMac(transferId, fileId, receiverKey, terms), mac)) {
            throw new TamperingException("the sharer's key or file details were altered on the way (offer HMAC does not verify)");
        }
    }

    /** The HKDF info of a transfer's chunk key (§4.5). */
    public static byte[] chunkKeyInfo(String transferId, byte[] receiverKey, byte[] senderKey) {
        return Transcript.of("dns/v1 chunk key").add(transferId).add(receiverKey).add(senderKey).toBytes();
    }

    /** The AES-256-GCM key of one transfer: ECDH secret, salted with the session secret, bound to the transfer and both keys. */
    public byte[] chunkKey(byte[] ecdhSecret, String transferId, byte[] receiverKey, byte[] senderKey) {
        return Hkdf.sha256(ecdhSecret, secret, chunkKeyInfo(transferId, receiverKey, senderKey), 32);
    }

    /** The key of a transfer's receipt (§4.9): from the same ECDH secret, never the chunk key itself. */
    public byte[] receiptKey(byte[] ecdhSecret, String transferId, byte[] receiverKey, byte[] senderKey) {
        byte[] info = Transcript.of(RECEIPT_KEY_LABEL).add(transferId).add(receiverKey).add(senderKey).toBytes();
        return Hkdf.sha256(ecdhSecret, secret, info, 32);
    }

    /** The receipt: the receiver has verified all {@code chunks} chunks of the offer that {@code offerMac} commits to. */
    public static byte[] receipt(byte[] receiptKey, String transferId, byte[] offerMac, long chunks) {
        return mac(receiptKey, Transcript.of(RECEIPT_LABEL).add(transferId).add(offerMac).add(chunks).toBytes());
    }

    private static Transcript withStart(Transcript transcript, long start) {
        if (start < 0) {
            throw new IllegalArgumentException("start must not be negative");
        }
        return start == 0 ? transcript : transcript.add(start);
    }

    private static byte[] mac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }
}
