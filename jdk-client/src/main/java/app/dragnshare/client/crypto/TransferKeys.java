package app.dragnshare.client.crypto;

import java.security.KeyPair;

/**
 * One side's ephemeral key pair for one transfer, and what it agrees on with the other side's
 * key: the chunk cipher and the receipt key.
 */
public final class TransferKeys {
    private final KeyPair pair = P256.generateKeyPair();
    private final byte[] publicKey = P256.encode(pair.getPublic());

    /** The keys two sides agreed on for one transfer. */
    public record Agreed(ChunkCipher cipher, byte[] receiptKey) {
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** Agrees on the chunk key and receipt key with a peer key that must already have passed its HMAC check. */
    public Agreed agree(SessionKeys session, String transferId, byte[] peerKey, boolean weAreReceiver)
            throws TamperingException {
        byte[] shared = P256.sharedSecret(pair.getPrivate(), P256.decode(peerKey));
        byte[] receiverKey = weAreReceiver ? publicKey : peerKey;
        byte[] senderKey = weAreReceiver ? peerKey : publicKey;
        return new Agreed(new ChunkCipher(session.chunkKey(shared, transferId, receiverKey, senderKey), transferId),
                session.receiptKey(shared, transferId, receiverKey, senderKey));
    }
}
