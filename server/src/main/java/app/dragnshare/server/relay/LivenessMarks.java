package app.dragnshare.server.relay;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

/**
 * Renews the liveness mark of every transfer side this instance runs, every third of
 * PEER_TIMEOUT. A mark therefore means "this server instance is alive and still holds this side",
 * whatever the data does: a receiver that reads slowly, or a busy machine, does not make a side
 * look gone. (Lack of progress is the stall timeout's business.) When an instance dies its marks
 * lapse, and the other side fails the transfer within PEER_TIMEOUT.
 *
 * <p>Two choices keep a busy instance's marks from lapsing (measured: with 50 transfers on two
 * cores, one Redis call per mark from a virtual thread let marks go 8 s without renewal, and
 * every transfer failed as "sender gone"): all marks are renewed in <b>one pipelined round
 * trip</b>, and the renewer is a <b>platform thread</b>, scheduled by the OS rather than queued
 * behind hundreds of runnable virtual threads.
 */
public final class LivenessMarks implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LivenessMarks.class.getName());

    private final UnifiedJedis redis;
    private final Map<TransferChannel, TransferChannel.Side> held = new ConcurrentHashMap<>();
    private final Thread renewer;
    /** A flag, not only the interrupt: Jedis may swallow an interrupt inside a pipeline's sync. */
    private volatile boolean closed;

    public LivenessMarks(UnifiedJedis redis, Duration peerTimeout) {
        this.redis = redis;
        Duration every = peerTimeout.dividedBy(3);
        this.renewer = Thread.ofPlatform().daemon().name("liveness-marks").start(() -> {
            try {
                while (!closed) {
                    Thread.sleep(every);
                    renewAll();
                }
            } catch (InterruptedException e) {
                // closed
            }
        });
    }

    /** Marks the side alive now and keeps it so until {@link #release}. */
    public void hold(TransferChannel channel, TransferChannel.Side side) {
        channel.markAlive(side);
        held.put(channel, side);
    }

    public void release(TransferChannel channel) {
        held.remove(channel);
    }

    public int held() {
        return held.size();
    }

    private void renewAll() {
        if (held.isEmpty()) {
            return;
        }
        try (AbstractPipeline pipeline = redis.pipelined()) {
            held.forEach((channel, side) -> channel.renewAlive(pipeline, side));
            pipeline.sync();
        } catch (JedisException e) {
            // Redis is away: the marks lapse and both sides fail their transfers, as they should
            LOG.fine(() -> "could not renew liveness marks: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        closed = true;
        renewer.interrupt();
    }
}
