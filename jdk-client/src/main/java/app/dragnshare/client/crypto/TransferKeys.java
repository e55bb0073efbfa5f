package app.dragnshare.client.crypto;

import java.security.KeyPair;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One side's ephemeral key pair, for one transfer or for a few in a row ({@link KeyReuse},
 * PROTOCOL.md §4.10), and what it agrees on with the other side's key for each transfer: the
 * chunk cipher and the receipt key. The ECDH secret with a peer key is computed once per pair
 * and peer (the key's check and the scalar multiplication are what a key agreement costs); the
 * transfer id in the derivations makes every transfer's keys its own all the same. Thread-safe.
 */
public final class TransferKeys {
    /** Peer keys whose ECDH secret is kept per pair; a sharer's pair has one peer, a receiver's a few sharers. */
    private static final int SECRETS_KEPT = 16;

    private final KeyPair pair = P256.generateKeyPair();
    private final byte[] publicKey = P256.encode(pair.getPublic());
    private final long createdNanos = System.nanoTime();
    private final Map<String, byte[]> secrets = new LinkedHashMap<>();
    private final Set<String> transferIds = new HashSet<>();

    /** The keys two sides agreed on for one transfer. */
    public record Agreed(ChunkCipher cipher, byte[] receiptKey) {
    }

    public byte[] publicKey() {
        return publicKey.clone();
    }

    /**
     * Marks {@code transferId} as served by this pair; false if it was already: a request repeated
     * with the same id and receiver key (a relay's replay) would get the same chunk key, and its
     * chunks the same nonces, so it must get another key pair.
     */
    public synchronized boolean claim(String transferId) {
        return transferIds.add(transferId);
    }

    /** Transfers this pair has been claimed for. */
    synchronized int transfers() {
        return transferIds.size();
    }

    long ageNanos() {
        return System.nanoTime() - createdNanos;
    }

    /** Agrees on the chunk key and receipt key with a peer key that must already have passed its HMAC check. */
    public Agreed agree(SessionKeys session, String transferId, byte[] peerKey, boolean weAreReceiver)
            throws TamperingException {
        byte[] shared = sharedSecret(peerKey);
        byte[] receiverKey = weAreReceiver ? publicKey : peerKey;
        byte[] senderKey = weAreReceiver ? peerKey : publicKey;
        return new Agreed(new ChunkCipher(session.chunkKey(shared, transferId, receiverKey, senderKey), transferId),
                session.receiptKey(shared, transferId, receiverKey, senderKey));
    }

    /** The ECDH secret with {@code peerKey}, validated and computed on its first use with this pair. */
    private byte[] sharedSecret(byte[] peerKey) throws TamperingException {
        String peer = HexFormat.of().formatHex(peerKey);
        synchronized (this) {
            byte[] known = secrets.get(peer);
            if (known != null) {
                return known;
            }
        }
        byte[] shared = P256.sharedSecret(pair.getPrivate(), P256.decode(peerKey)); // outside the lock: the costly part
        synchronized (this) {
            if (secrets.size() >= SECRETS_KEPT) {
                secrets.remove(secrets.keySet().iterator().next()); // the oldest
            }
            secrets.put(peer, shared);
        }
        return shared;
    }
}
