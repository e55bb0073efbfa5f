package app.dragnshare.server.relay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import jakarta.json.JsonObject;

import app.dragnshare.server.redis.Keys;
import app.dragnshare.server.redis.Script;
import app.dragnshare.server.redis.Scripts;
import app.dragnshare.server.wakeup.Wakeups;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;
import redis.clients.jedis.util.KeyValue;

/**
 * One transfer's lists in Redis, all under the hash tag {transferId}:
 * <ul>
 * <li>{@code to-receiver}: the offer, or an error, for the receiver's download stream;</li>
 * <li>{@code chunks}: encrypted chunks, each {@code index (4 bytes BE) || ciphertext};</li>
 * <li>{@code credits}: one entry per chunk the queue has room for; the receiver's side hands
 *     them out as it delivers, the sharer's side asks for one chunk per credit;</li>
 * <li>{@code to-sender}: "done" or "cancel" for the sharer's side, and the receiver's reports
 *     (verified progress, the receipt; PROTOCOL.md §5.6);</li>
 * <li>{@code receiver}: who may report on the transfer; it outlives the receiver's stream until
 *     the sharer's side has waited for the receipt;</li>
 * <li>{@code pace-wake}, {@code acked}: for a paced download (PROTOCOL.md §7) whose receiver
 *     acknowledges on another instance, whom to wake and the highest count acknowledged;</li>
 * <li>{@code sender-alive}/{@code receiver-alive}: short-lived marks each side renews while it
 *     lives, so the other side notices a crashed instance.</li>
 * </ul>
 * A running transfer's waits are blocking pops; each side's steady step is one script, one round
 * trip: the sharer's side pushes a chunk and takes the credits waiting; the receiver's side hands
 * back credits and takes the next chunk. The receiver's wait for the offer (a pending download,
 * which may last minutes) holds no connection: a push to {@code to-receiver} wakes it through
 * {@link Wakeups}, and it pops without blocking.
 */
public final class TransferChannel {
    /** What a blocking wait returned. */
    public sealed interface Signal permits Data, Control, Credits, Empty, Timeout {
    }

    /** A chunk element or a credit; for a chunk taken by {@link #grantAndTake}, how many more wait behind it (else -1). */
    public record Data(byte[] bytes, long waiting) implements Signal {
        public Data(byte[] bytes) {
            this(bytes, -1);
        }
    }

    /** Credits the sharer's side took along with a push; maybe none. */
    public record Credits(int count) implements Signal {
    }

    /** Nothing was waiting (a take that does not block). */
    public record Empty() implements Signal {
        public static final Empty INSTANCE = new Empty();
    }

    /** A JSON control message (offer, error, done, cancel). */
    public record Control(JsonObject message) implements Signal {
    }

    public record Timeout() implements Signal {
        public static final Timeout INSTANCE = new Timeout();
    }

    public enum Side { SENDER, RECEIVER }

    private static final byte[] CREDIT = {'1'};
    private static final byte[] ALIVE = {'1'};

    private final UnifiedJedis redis;
    private final Wakeups wakeups;
    private final String transferId;
    private final Keys.Transfer keys;
    private final Duration keyTtl;
    private final byte[] keyTtlMillis;
    private final long aliveTtlMillis;
    private final SameInstanceChunks sameInstance;
    /** Where chunks skip Redis: the receiver's side opens it when it claims the id, the sharer's side finds it. */
    private volatile SameInstanceChunks.Lane lane;
    private volatile boolean laneLookedUp;

    TransferChannel(UnifiedJedis redis, Wakeups wakeups, SameInstanceChunks sameInstance, String transferId,
                    Duration keyTtl, Duration aliveTtl) {
        this.redis = redis;
        this.wakeups = wakeups;
        this.sameInstance = sameInstance;
        this.transferId = transferId;
        this.keys = Keys.Transfer.of(transferId);
        this.keyTtl = keyTtl;
        this.keyTtlMillis = Long.toString(keyTtl.toMillis()).getBytes(StandardCharsets.US_ASCII);
        this.aliveTtlMillis = aliveTtl.toMillis();
    }

    public String transferId() {
        return transferId;
    }

    /**
     * Reserves the transfer id for {@code receiver} ("sessionId/memberId", its first "alive" mark
     * and who may report on the transfer); false if the id is in use.
     */
    public boolean claim(String receiver) {
        if (!"OK".equals(redis.set(keys.receiverAlive(), ALIVE, SetParams.setParams().nx().px(aliveTtlMillis)))) {
            return false;
        }
        redis.set(keys.receiver(), receiver.getBytes(StandardCharsets.UTF_8), SetParams.setParams().px(keyTtl.toMillis()));
        lane = sameInstance.open(transferId); // before the request is queued, so a sharer here finds it
        laneLookedUp = true;
        return true;
    }

    /** Who started the transfer ("sessionId/memberId"), or null once the transfer is over. */
    public String receiver() {
        byte[] value = redis.get(keys.receiver());
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }

    /**
     * A receiver's report for the sharer's side (dropped if that side has left); false when
     * {@code cap} reports already wait there.
     */
    public boolean report(JsonObject message, int cap) {
        Object n = Scripts.PUSH_CAPPED_WHILE_PRESENT.run(redis, List.of(keys.toSender(), keys.senderAlive()),
                List.of(keyTtlMillis, Integer.toString(cap).getBytes(StandardCharsets.US_ASCII), json(message)));
        return !(n instanceof Number count) || count.longValue() != -2;
    }

    /**
     * A paced download's acknowledgement that reached this instance while its stream runs
     * elsewhere (or nowhere): recorded in Redis, and the stream woken, if {@code receiver}
     * ("sessionId/memberId") is the transfer's receiver; else nothing happens.
     */
    public void acknowledge(String receiver, long verified) {
        Object wake = Scripts.ACKNOWLEDGE.run(redis, List.of(keys.receiver(), keys.paceWake(), keys.acked(), keys.receiverAlive()),
                List.of(keyTtlMillis, receiver.getBytes(StandardCharsets.UTF_8),
                        Long.toString(verified).getBytes(StandardCharsets.US_ASCII)));
        if (wake instanceof byte[] id) {
            wakeups.wake(new String(id, StandardCharsets.US_ASCII));
        }
    }

    /**
     * The receiver's side of a paced download: from now on an acknowledgement that reaches Redis
     * ({@link #acknowledge}) runs {@code wake} on this instance. Run the result when the stream ends.
     */
    public Runnable hearAcknowledgements(Runnable wake) {
        String id = wakeups.newConnectionId();
        wakeups.register(id, wake);
        try {
            redis.set(keys.paceWake(), id.getBytes(StandardCharsets.US_ASCII), SetParams.setParams().px(keyTtl.toMillis()));
        } catch (RuntimeException e) {
            wakeups.unregister(id);
            throw e;
        }
        return () -> wakeups.unregister(id);
    }

    /** The highest count acknowledged through Redis, -1 for none. */
    public long acknowledged() {
        byte[] count = redis.get(keys.acked());
        return count == null ? -1 : Long.parseLong(new String(count, StandardCharsets.US_ASCII));
    }

    /** The sharer's side, after the last chunk: waits for the receiver's report. */
    public Signal awaitReport(Duration timeout) {
        return await(timeout, keys.toSender());
    }

    /** The offer or an error for the receiver's side; dropped if that side has already left. */
    public void toReceiver(JsonObject message) {
        push(keys.toReceiver(), keys.receiverAlive(), json(message));
        wakeups.wakeAnywhere(offerTopic()); // the receiver's instance is not known here
    }

    /** "done" or "cancel" for the sharer's side; dropped if that side has already left. */
    public void toSender(JsonObject message) {
        push(keys.toSender(), keys.senderAlive(), json(message));
    }

    public void grantCredits(int count) {
        byte[][] credits = new byte[count][];
        Arrays.fill(credits, CREDIT);
        push(keys.credits(), keys.senderAlive(), credits);
    }

    /**
     * The receiver's side in one round trip: hands back {@code credits} (dropped if the sharer's
     * side has left) and takes a control message, else the next chunk, else returns {@link Empty}.
     */
    public Signal grantAndTake(int credits) {
        List<?> reply = (List<?>) Scripts.GRANT_AND_TAKE.run(redis,
                List.of(keys.toReceiver(), keys.chunks(), keys.credits(), keys.senderAlive()),
                List.of(keyTtlMillis, Integer.toString(credits).getBytes(StandardCharsets.US_ASCII)));
        return switch (kind(reply)) {
            case 'c' -> control((byte[]) reply.get(1));
            case 'd' -> new Data(kept((byte[]) reply.get(1)), ((Number) reply.get(2)).longValue());
            default -> Empty.INSTANCE;
        };
    }

    /**
     * The sharer's side in one round trip: pushes a chunk (dropped if the receiver's side has
     * left; none if null), then takes a control message, else up to {@code maxCredits} credits.
     */
    public Signal pushAndTakeCredits(byte[] element, int maxCredits) {
        if (element == null) {
            element = new byte[0];
        } else if (sharersLane() != null && lane.keep(indexOf(element), element)) {
            element = Arrays.copyOf(element, SameInstanceChunks.PLACEHOLDER_LENGTH);
        }
        List<?> reply = (List<?>) Scripts.PUSH_AND_TAKE_CREDITS.runUncopied(redis,
                List.of(keys.chunks(), keys.receiverAlive(), keys.toSender(), keys.credits()),
                List.of(keyTtlMillis, Script.uncopied(element), Integer.toString(maxCredits).getBytes(StandardCharsets.US_ASCII)));
        return kind(reply) == 'c' ? control((byte[]) reply.get(1)) : new Credits(((Number) reply.get(1)).intValue());
    }

    /** The receiver's wait for the offer (or an error), without holding a connection while it waits. */
    public Signal awaitOffer(Duration timeout) {
        try {
            byte[] message = wakeups.await(offerTopic(), timeout, () -> redis.lpop(keys.toReceiver()));
            return message == null ? Timeout.INSTANCE : control(message);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Timeout.INSTANCE;
        }
    }

    private String offerTopic() {
        return "offer:" + transferId;
    }

    /** The receiver's side: a control message (offer, error) waiting for it, without blocking; else {@link Empty}. */
    public Signal takeControl() {
        byte[] message = redis.lpop(keys.toReceiver());
        return message == null ? Empty.INSTANCE : control(message);
    }

    /** The receiver's wait for the next chunk; control messages come first. */
    public Signal awaitChunk(Duration timeout) {
        return await(timeout, keys.toReceiver(), keys.chunks());
    }

    /** The sharer's wait for room in the queue; control messages come first. */
    public Signal awaitCredit(Duration timeout) {
        return await(timeout, keys.toSender(), keys.credits());
    }

    /** Drops the queued chunks and credits (deleting works even when Redis is full), e.g. to make room for an error. */
    public void dropQueue() {
        redis.del(keys.chunks(), keys.credits());
        if (sharersLane() != null) {
            lane.clear();
        }
    }

    public void markAlive(Side side) {
        redis.set(alive(side), ALIVE, SetParams.setParams().px(aliveTtlMillis));
    }

    /**
     * Queues the renewal of a mark on a pipeline (the instance renews all its marks in one round
     * trip). Extends a mark that still exists; never brings back one its side deleted on leaving.
     */
    void renewAlive(AbstractPipeline pipeline, Side side) {
        pipeline.set(alive(side), ALIVE, SetParams.setParams().px(aliveTtlMillis).xx());
        if (side == Side.RECEIVER) {
            pipeline.pexpire(keys.receiver(), keyTtl.toMillis()); // a long download outlives the key's first TTL
            pipeline.pexpire(keys.paceWake(), keyTtl.toMillis());
            pipeline.pexpire(keys.acked(), keyTtl.toMillis());
        }
    }

    public boolean isAlive(Side side) {
        return redis.exists(alive(side));
    }

    /**
     * The receiver's side is done: removes what it owns. {@code to-sender} may still hold its
     * last word for the sharer's side, so it only gets a short life (read within one blocking
     * pop by a live sharer side; gone soon if there is none). After the last chunk the receiver
     * may still report (its receipt), so {@code receiver} stays until the sharer's side ends.
     */
    public void closeReceiverSide(boolean lastChunkRelayed) {
        sameInstance.close(transferId);
        if (lastChunkRelayed) {
            redis.del(keys.toReceiver(), keys.chunks(), keys.credits(), keys.receiverAlive(), keys.paceWake(), keys.acked());
        } else {
            redis.del(keys.toReceiver(), keys.chunks(), keys.credits(), keys.receiverAlive(), keys.receiver(),
                    keys.paceWake(), keys.acked());
        }
        redis.pexpire(keys.toSender(), aliveTtlMillis);
    }

    /**
     * The sharer's side is done. When the receiver's side has ended too (it said done or cancel),
     * everything goes, including chunks that were on their way when it left; otherwise the
     * receiver still has to read its error, so only the sharer's own keys go.
     */
    public void closeSenderSide(boolean receiverEnded) {
        if (receiverEnded) {
            redis.del(keys.toSender(), keys.senderAlive(), keys.toReceiver(), keys.chunks(), keys.credits(), keys.receiver());
        } else {
            redis.del(keys.toSender(), keys.senderAlive());
        }
    }

    private Signal await(Duration timeout, byte[]... lists) {
        KeyValue<byte[], byte[]> popped = redis.blpop(timeout.toMillis() / 1000.0, lists);
        if (popped == null) {
            return Timeout.INSTANCE;
        }
        byte[] key = popped.getKey();
        if (Arrays.equals(key, keys.chunks())) {
            return new Data(kept(popped.getValue()));
        }
        if (Arrays.equals(key, keys.credits())) {
            return new Data(popped.getValue());
        }
        return control(popped.getValue());
    }

    /** The sharer's side: the lane of a receiver on this instance, looked up once (it opens before the request is queued). */
    private SameInstanceChunks.Lane sharersLane() {
        if (!laneLookedUp) {
            lane = sameInstance.lane(transferId);
            laneLookedUp = true;
        }
        return lane;
    }

    /**
     * The receiver's side: a popped chunk element, or for a placeholder the element the sharer's
     * side kept on this instance. A placeholder with nothing kept (the lane was cleared) comes
     * back as it is; the stream takes it for lost data.
     */
    private byte[] kept(byte[] element) {
        if (element.length != SameInstanceChunks.PLACEHOLDER_LENGTH || lane == null) {
            return element;
        }
        byte[] whole = lane.take(indexOf(element));
        return whole == null ? element : whole;
    }

    public static long indexOf(byte[] element) {
        return ((element[0] & 0xFFL) << 24) | ((element[1] & 0xFF) << 16) | ((element[2] & 0xFF) << 8) | (element[3] & 0xFF);
    }

    private static Control control(byte[] message) {
        return new Control(Messages.parse(new String(message, StandardCharsets.UTF_8)));
    }

    private static char kind(List<?> reply) {
        return (char) ((byte[]) reply.get(0))[0];
    }

    /** Pushes only while {@code guard}, the other side's liveness mark, exists (one atomic script). */
    private void push(byte[] key, byte[] guard, byte[]... values) {
        byte[][] args = new byte[values.length + 1][];
        args[0] = keyTtlMillis;
        System.arraycopy(values, 0, args, 1, values.length);
        Scripts.PUSH_WHILE_PRESENT.run(redis, List.of(key, guard), Arrays.asList(args));
    }

    private byte[] alive(Side side) {
        return side == Side.SENDER ? keys.senderAlive() : keys.receiverAlive();
    }

    private static byte[] json(JsonObject message) {
        return message.toString().getBytes(StandardCharsets.UTF_8);
    }
}
