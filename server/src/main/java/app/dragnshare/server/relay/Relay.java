package app.dragnshare.server.relay;

import java.time.Duration;

import app.dragnshare.server.wakeup.Wakeups;

import redis.clients.jedis.UnifiedJedis;

/**
 * The data plane in Redis: opens the {@link TransferChannel} of a transfer. The sharer's and the
 * receiver's server instances meet only here, so they may be different instances.
 */
public final class Relay {
    private final UnifiedJedis redis;
    private final Wakeups wakeups;
    private final Duration keyTtl;
    private final Duration aliveTtl;
    private final SameInstanceChunks sameInstance;
    private final PacedDownloads paced = new PacedDownloads();

    /**
     * @param keyTtl   lifetime of a transfer's lists, renewed on every push
     * @param aliveTtl lifetime of a side's "still here" mark; the other side gives up once it lapses
     */
    public Relay(UnifiedJedis redis, Wakeups wakeups, Duration keyTtl, Duration aliveTtl) {
        this(redis, wakeups, keyTtl, aliveTtl, SameInstanceChunks.sizedFromHeap());
    }

    /** @param sameInstance where chunks between two ends on this instance skip Redis */
    public Relay(UnifiedJedis redis, Wakeups wakeups, Duration keyTtl, Duration aliveTtl, SameInstanceChunks sameInstance) {
        this.sameInstance = sameInstance;
        this.redis = redis;
        this.wakeups = wakeups;
        this.keyTtl = keyTtl;
        this.aliveTtl = aliveTtl;
    }

    public TransferChannel channel(String transferId) {
        return new TransferChannel(redis, wakeups, sameInstance, transferId, keyTtl, aliveTtl);
    }

    /** The paced downloads streaming from this instance, for their receivers' acknowledgements. */
    public PacedDownloads paced() {
        return paced;
    }

    public SameInstanceChunks sameInstance() {
        return sameInstance;
    }

    /** How often a side renews its mark: well inside its TTL. */
    public Duration aliveRefresh() {
        return aliveTtl.dividedBy(3);
    }
}
