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

    /** The receiver's MAC over its download request. */
    public byte[] requestMac(String transferId, String fileId, byte[] receiverKey) {
        return mac(Transcript.of(REQUEST_LABEL).add(transferId).add(fileId).add(receiverKey));
    }

    /** The sharer's MAC over its answer; it binds the receiver's key too, so an offer cannot be replayed to another request. */
    public byte[] offerMac(String transferId, String fileId, byte[] receiverKey, OfferTerms terms) {
        return mac(Transcript.of(OFFER_LABEL).add(transferId).add(fileId).add(receiverKey).add(terms.senderKey())
                .add(terms.name()).add(terms.size()).add(terms.chunkSize()).add(terms.chunks()));
    }

    public void verifyRequest(String transferId, String fileId, byte[] receiverKey, byte[] mac) throws TamperingException {
        if (!MessageDigest.isEqual(requestMac(transferId, fileId, receiverKey), mac)) {
            throw new TamperingException("the request does not verify against this session's key (request HMAC): a "
                    + "mistyped or incomplete link, or a key altered on the way");
        }
    }

    public void verifyOffer(String transferId, String fileId, byte[] receiverKey, OfferTerms terms, byte[] mac)
            throws TamperingException {
        if (!MessageDigest.isEqual(offerMac(transferId, fileId, receiverKey, terms), mac)) {
            throw new TamperingException("the sharer's key or file details were altered on the way (offer HMAC does not verify)");
        }
    }

    /** The AES-256-GCM key of one transfer: ECDH secret, salted with the session secret, bound to the transfer and both keys. */
    public byte[] chunkKey(byte[] ecdhSecret, String transferId, byte[] receiverKey, byte[] senderKey) {
        byte[] info = Transcript.of("dns/v1 chunk key").add(transferId).add(receiverKey).add(senderKey).toBytes();
        return Hkdf.sha256(ecdhSecret, secret, info, 32);
    }

    private byte[] mac(Transcript transcript) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(authKey, "HmacSHA256"));
            return mac.doFinal(transcript.toBytes());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JDK", e);
        }
    }
}
