package app.dragnshare.client.crypto;

import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Ephemeral key pairs that serve several transfers in a row, within bounds (PROTOCOL.md §4.10):
 * a P-256 key generation and key agreement cost far more than the rest of a small file's
 * transfer. A receiver uses one pair for its requests; a sharer answers the requests that carry
 * the same receiver key with one pair, and so computes their ECDH secret once. A pair serves at
 * most {@link #MAX_TRANSFERS} transfers and for at most {@link #MAX_AGE}, so the secret of one
 * pair never opens more than that. The transfer id makes each transfer's keys its own; a sharer
 * never answers the same transfer id twice with one pair (a replayed request gets a pair of its
 * own). Thread-safe.
 */
public final class KeyReuse {
    public static final int MAX_TRANSFERS = 1024;
    public static final Duration MAX_AGE = Duration.ofMinutes(5);
    /** Receiver keys a sharer keeps a pair for; the oldest is dropped past this. */
    private static final int RECEIVERS_KEPT = 16;

    private final int maxTransfers;
    private final long maxAgeNanos;
    private TransferKeys own;
    private final Map<String, TransferKeys> byReceiver = new LinkedHashMap<>();

    public KeyReuse() {
        this(MAX_TRANSFERS, MAX_AGE);
    }

    /** With {@code maxTransfers} 1, every transfer gets a fresh pair (as version 2 clients did). */
    public KeyReuse(int maxTransfers, Duration maxAge) {
        if (maxTransfers < 1 || maxTransfers > MAX_TRANSFERS || maxAge.compareTo(MAX_AGE) > 0) {
            throw new IllegalArgumentException("a pair serves 1 to " + MAX_TRANSFERS + " transfers for at most " + MAX_AGE);
        }
        this.maxTransfers = maxTransfers;
        this.maxAgeNanos = maxAge.toNanos();
    }

    /** The receiver's pair for its request {@code transferId} (a fresh id): the same pair until it has served its share. */
    public synchronized TransferKeys forRequest(String transferId) {
        if (own == null || spent(own)) {
            own = new TransferKeys();
        }
        return own.claim(transferId) ? own : single(transferId);
    }

    /**
     * The sharer's pair for request {@code transferId} from {@code receiverKey} (whose HMAC verified):
     * the pair that answered this receiver key before, until it has served its share, unless it
     * already answered this very transfer id.
     */
    public synchronized TransferKeys forOffer(byte[] receiverKey, String transferId) {
        String receiver = HexFormat.of().formatHex(receiverKey);
        TransferKeys keys = byReceiver.get(receiver);
        if (keys == null || spent(keys)) {
            byReceiver.remove(receiver);
            if (byReceiver.size() >= RECEIVERS_KEPT) {
                byReceiver.remove(byReceiver.keySet().iterator().next()); // the oldest
            }
            keys = new TransferKeys();
            byReceiver.put(receiver, keys);
        }
        // a repeated id is a relay's replay: the same pair would give it the same chunk key, hence the same nonces
        return keys.claim(transferId) ? keys : single(transferId);
    }

    private boolean spent(TransferKeys keys) {
        return keys.transfers() >= maxTransfers || keys.ageNanos() >= maxAgeNanos;
    }

    private static TransferKeys single(String transferId) {
        TransferKeys keys = new TransferKeys();
        keys.claim(transferId);
        return keys;
    }
}
