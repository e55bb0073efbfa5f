package app.dragnshare.server.transfer;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

import redis.clients.jedis.exceptions.JedisException;

/**
 * Renews the liveness mark of every transfer side this instance runs, from one virtual thread,
 * every third of PEER_TIMEOUT. A mark therefore means "this server instance is alive and still
 * holds this side", whatever the data does: a receiver that reads slowly, or a busy machine, does
 * not make a side look gone. (Lack of progress is the stall timeout's business.) When an
 * instance dies its marks lapse, and the other side fails the transfer within PEER_TIMEOUT.
 */
public final class LivenessMarks implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(LivenessMarks.class.getName());

    private final Map<TransferChannel, TransferChannel.Side> held = new ConcurrentHashMap<>();
    private final Thread renewer;

    public LivenessMarks(Duration peerTimeout) {
        Duration every = peerTimeout.dividedBy(3);
        this.renewer = Thread.ofVirtual().name("liveness-marks").start(() -> {
            try {
                while (true) {
                    Thread.sleep(every);
                    held.forEach(this::renew);
                }
            } catch (InterruptedException e) {
                // closed
            }
        });
    }

    /** Marks the side alive now and keeps it so until {@link #release}. */
    void hold(TransferChannel channel, TransferChannel.Side side) {
        channel.markAlive(side);
        held.put(channel, side);
    }

    void release(TransferChannel channel) {
        held.remove(channel);
    }

    int held() {
        return held.size();
    }

    private void renew(TransferChannel channel, TransferChannel.Side side) {
        try {
            channel.renewAlive(side);
        } catch (JedisException e) {
            LOG.fine(() -> "could not renew a liveness mark: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        renewer.interrupt();
    }
}
