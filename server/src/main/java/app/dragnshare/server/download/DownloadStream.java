package app.dragnshare.server.download;

import static app.dragnshare.server.http.JsonBuilders.JSON;

import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import app.dragnshare.server.metrics.ServerMetrics;
import app.dragnshare.server.redis.RedisErrors;
import app.dragnshare.server.session.FileRecord;

import redis.clients.jedis.exceptions.JedisException;
import app.dragnshare.server.relay.CreditWindow;
import app.dragnshare.server.relay.Failure;
import app.dragnshare.server.relay.LivenessMarks;
import app.dragnshare.server.relay.Messages;
import app.dragnshare.server.relay.PacedDownloads;
import app.dragnshare.server.relay.SameInstanceChunks;
import app.dragnshare.server.relay.TransferChannel;
import app.dragnshare.server.relay.TransferSettings;

/**
 * One download as the receiver's server instance runs it: wait for the offer, hand out the
 * queue's credits, then move each chunk from Redis to the SSE stream and return its credit,
 * sizing the window of credits from the link ({@link CreditWindow}).
 * Every wait is a blocking pop with a short timeout, used to send heartbeats and to notice a
 * sharer whose instance died.
 */
final class DownloadStream {
    private static final Logger LOG = Logger.getLogger(DownloadStream.class.getName());
    /** The largest window a paced stream grows to, in chunks (a long fat link). */
    private static final int MAX_PACE_WINDOW = 1024;
    /** How long a paced stream waits for an acknowledgement before it reads Redis for one anyway. */
    private static final long ACK_RECHECK_NANOS = 1_000_000_000L;
    /** How long a paced stream waits for its receiver's next acknowledgement before it stops pacing. */
    private static final long PACE_PATIENCE_NANOS = 5_000_000_000L;

    private final TransferChannel channel;
    private final FileRecord file;
    /** The first chunk the receiver asked for (0, or where a resumed download goes on). */
    private final long start;
    private final BooleanSupplier ownerOnline;
    private final TransferSettings settings;
    private final ServerMetrics metrics;
    private final LivenessMarks marks;
    /** A paced download's acknowledgements (PROTOCOL.md §7); null for an unpaced one. */
    private final PacedDownloads.Acks acks;
    /** How far the stream may run ahead of them; null while unpaced. */
    private ReceiverPace pace;
    /** Ends this stream's wake-ups for acknowledgements through Redis; null until it first waits for one. */
    private Runnable stopHearing;
    private long lastProgress;
    private volatile boolean stopping;
    private volatile Thread thread;
    /** When the write in progress started (System.nanoTime), 0 when none is. */
    private volatile long writingSince;
    /** How the transfer ended: "completed" or an error code; null while it runs. */
    private String outcome;
    private EventStreamWriter events;
    private long lastWrite;

    /** @param acks what the receiver acknowledges, for a paced download; null for an unpaced one */
    DownloadStream(TransferChannel channel, FileRecord file, long start, PacedDownloads.Acks acks,
                   BooleanSupplier ownerOnline, TransferSettings settings, ServerMetrics metrics, LivenessMarks marks) {
        this.channel = channel;
        this.acks = acks;
        this.file = file;
        this.start = start;
        this.ownerOnline = ownerOnline;
        this.settings = settings;
        this.metrics = metrics;
        this.marks = marks;
    }

    /** Asks the stream to end with "shutting-down" at its next wake-up. */
    void stop() {
        stopping = true;
        LockSupport.unpark(thread); // a paced stream waiting for an acknowledgement hears it now, not at its next recheck
    }

    /**
     * Ends a stream whose receiver has taken no bytes for {@code limit}: its write is still
     * blocked (the connection is open but nobody reads, e.g. a frozen page). Interrupting a
     * virtual thread blocked in socket I/O closes the socket, so the write fails and the stream ends.
     */
    void abortIfWriteStalled(long limitNanos) {
        synchronized (this) { // never after run() ended: the thread may serve the connection's next request by then
            long since = writingSince;
            Thread t = thread;
            if (since != 0 && t != null && System.nanoTime() - since > limitNanos) {
                LOG.info(() -> "download " + channel.transferId() + ": the receiver took no data for "
                        + limitNanos / 1_000_000_000 + " s; ending it");
                t.interrupt();
            }
        }
    }

    void run(EventStreamWriter events) {
        this.events = events;
        this.thread = Thread.currentThread();
        lastWrite = System.nanoTime();
        marks.hold(channel, TransferChannel.Side.RECEIVER);
        try {
            JsonObject offer = awaitOffer();
            if (offer != null) {
                stream(offer);
            }
        } catch (ClientGone e) {
            outcome = Failure.RECEIVER_GONE.code();
            tellSender(Failure.RECEIVER_GONE);
        } catch (JedisException e) {
            LOG.warning("download " + channel.transferId() + " failed in Redis: " + e.getMessage());
            sendError(RedisErrors.isFull(e) ? Failure.SERVER_BUSY : Failure.SERVER_ERROR);
        } finally {
            marks.release(channel);
            if (stopHearing != null) {
                stopHearing.run();
            }
            if ("completed".equals(outcome)) {
                metrics.transferCompleted();
            } else {
                metrics.transferFailed(outcome == null ? Failure.SERVER_ERROR.code() : outcome);
            }
            try {
                channel.closeReceiverSide("completed".equals(outcome));
            } catch (JedisException e) {
                LOG.fine(() -> "keys of " + channel.transferId() + " expire by TTL: " + e.getMessage());
            }
            synchronized (this) {
                thread = null;
            }
            if (Thread.interrupted()) { // a stall abort that came late: the connection is not to be kept
                events.abort();
            }
        }
    }

    private JsonObject awaitOffer() {
        long deadline = System.nanoTime() + settings.offerTimeout().toNanos();
        while (true) {
            TransferChannel.Signal signal = channel.awaitOffer(settings.block());
            if (signal instanceof TransferChannel.Control control) {
                JsonObject message = control.message();
                if ("offer".equals(message.getString("type", ""))) {
                    emit(() -> events.event("offer", withoutType(message)));
                    return message;
                }
                emitError(message.getString("code", "declined"), message.getString("message", ""));
                return null;
            }
            idle();
            if (stopping) {
                sendError(Failure.SHUTTING_DOWN);
                return null;
            }
            if (!ownerOnline.getAsBoolean()) {
                sendError(Failure.OWNER_OFFLINE);
                return null;
            }
            if (System.nanoTime() > deadline) {
                sendError(Failure.TIMEOUT);
                return null;
            }
        }
    }

    /**
     * Hands back each chunk's credit with the take of the next one (one round trip per chunk), and
     * blocks only when nothing waits: then the window may be too small for the link. A paced
     * stream writes a chunk only once its receiver is less than a window behind.
     */
    private void stream(JsonObject offer) {
        long chunks = offer.getJsonNumber("chunks").longValue();
        long elementBytes = 4 + offer.getJsonNumber("chunkSize").longValue() + 16;
        CreditWindow window = new CreditWindow(settings.queueDepth(), settings.chunkWindowMax(), elementBytes);
        if (acks != null) {
            pace = new ReceiverPace(start, (int) Math.min(MAX_PACE_WINDOW, settings.chunkWindowMax() / elementBytes));
        }
        long expected = start;
        lastProgress = System.nanoTime();
        int credits = window.size();
        while (true) {
            TransferChannel.Signal signal = channel.grantAndTake(credits);
            credits = 0;
            boolean waited = signal instanceof TransferChannel.Empty;
            if (waited) {
                signal = channel.awaitChunk(settings.block());
            }
            switch (signal) {
                case TransferChannel.Data chunk -> {
                    byte[] element = chunk.bytes();
                    long index = TransferChannel.indexOf(element);
                    if (index != expected || element.length == SameInstanceChunks.PLACEHOLDER_LENGTH) {
                        // cannot happen unless Redis (or this instance) lost data; the client would fail to decrypt anyway
                        tellSender(Failure.SERVER_ERROR);
                        sendError(Failure.SERVER_ERROR);
                        return;
                    }
                    credits = window.taken(waited, chunk.waiting());
                    if (pace != null && !pace.hasRoom(index) && !awaitRoom(index)) {
                        return;
                    }
                    long chunkIndex = index;
                    emit(() -> events.chunk(chunkIndex, element, 4, element.length - 4));
                    metrics.bytesRelayed(element.length - 4);
                    expected++;
                    lastProgress = System.nanoTime();
                    if (pace != null) {
                        pace.written(index, lastProgress);
                    }
                    if (expected == chunks) {
                        String end = JSON.createObjectBuilder().add("chunks", chunks).add("size", file.size()).build().toString();
                        emit(() -> events.event("end", end));
                        events.close(); // the receiver has its file now; the cleanup below need not hold it
                        channel.toSender(Messages.done());
                        outcome = "completed";
                        return;
                    }
                }
                case TransferChannel.Control control -> {
                    emitError(control.message());
                    return;
                }
                case TransferChannel.Timeout timeout -> {
                    if (quietTooLong()) {
                        return;
                    }
                }
                case TransferChannel.Credits ignored -> throw new IllegalStateException("credits on the receiver's side");
                case TransferChannel.Empty ignored -> throw new IllegalStateException("a blocking wait returned empty");
            }
            if (stopping) {
                tellSender(Failure.SHUTTING_DOWN);
                sendError(Failure.SHUTTING_DOWN);
                return;
            }
        }
    }

    /**
     * A paced stream whose receiver is a window behind: waits for its acknowledgements until chunk
     * {@code next} may go; false when the stream ended meanwhile (an error was sent). A receiver
     * that acknowledges nothing for {@link #PACE_PATIENCE_NANOS} (its socket broke, say) gets the
     * rest unpaced: pacing only spares bytes on a resume, and must never stall a download.
     */
    private boolean awaitRoom(long next) {
        if (stopHearing == null) { // the first wait: from now on acknowledgements through Redis wake us
            stopHearing = channel.hearAcknowledgements(acks::wakeFromElsewhere);
            acks.offer(channel.acknowledged()); // any that came before
        }
        long waitingSince = System.nanoTime();
        while (!pace.hasRoom(next)) {
            acks.await(next - pace.window() + 1, ACK_RECHECK_NANOS);
            if (acks.takeElsewhere()) {
                acks.offer(channel.acknowledged());
            }
            long now = System.nanoTime();
            if (acks.count() > pace.verified()) {
                pace.acknowledged(acks.count(), next, true, now);
                lastProgress = now;
                waitingSince = now;
                continue;
            }
            if (acks.socketClosed()) {
                // The receiver may have died with its socket: a few bytes on the stream tell (a write to a
                // connection the peer reset fails). Not the next chunk: a live receiver would lose it if cut.
                acks.takeSocketClosed();
                emit(() -> events.comment("keep-alive"));
            }
            acks.offer(channel.acknowledged()); // nothing here: a wake-up from another instance may have been lost
            if (acks.count() > pace.verified()) {
                continue;
            }
            if (now - waitingSince > PACE_PATIENCE_NANOS) {
                LOG.fine(() -> "download " + channel.transferId() + ": no acknowledgement for "
                        + PACE_PATIENCE_NANOS / 1_000_000_000 + " s; going on unpaced");
                pace = null;
                return true;
            }
            if (quietTooLong()) {
                return false;
            }
            if (stopping) {
                tellSender(Failure.SHUTTING_DOWN);
                sendError(Failure.SHUTTING_DOWN);
                return false;
            }
        }
        return true;
    }

    /**
     * After a wait that timed out: a heartbeat if one is due, then whether the transfer must end
     * (an error was sent) because the sharer's side is gone or nothing moved for the stall timeout.
     */
    private boolean quietTooLong() {
        idle();
        if (!channel.isAlive(TransferChannel.Side.SENDER)) {
            // its side may have left its last word (e.g. "tampered") and gone between our wait's end and this check
            if (channel.takeControl() instanceof TransferChannel.Control last) {
                emitError(last.message());
                return true;
            }
            sendError(Failure.SENDER_GONE);
            return true;
        }
        if (System.nanoTime() - lastProgress > settings.stallTimeout().toNanos()) {
            tellSender(Failure.STALLED);
            sendError(Failure.STALLED);
            return true;
        }
        return false;
    }

    /** Between messages: keep the connection (and proxies on the way) from calling the stream dead. */
    private void idle() {
        if (System.nanoTime() - lastWrite > settings.heartbeat().toNanos()) {
            emit(() -> events.comment("keep-alive"));
        }
    }

    private void tellSender(Failure failure) {
        try {
            channel.toSender(Messages.cancel(null, failure.code(), failure.message()));
        } catch (JedisException e) {
            LOG.fine(() -> "sender of " + channel.transferId() + " will notice by timeout: " + e.getMessage());
        }
    }

    private void sendError(Failure failure) {
        outcome = failure.code();
        try {
            emitError(failure.code(), failure.message());
        } catch (ClientGone e) {
            LOG.fine(() -> "receiver of " + channel.transferId() + " left before hearing " + failure.code());
        }
    }

    private void emit(Runnable write) {
        writingSince = System.nanoTime();
        try {
            write.run();
            lastWrite = System.nanoTime();
        } catch (RuntimeException e) {
            Thread.interrupted(); // a stall abort interrupted us; Redis calls must not see the flag
            throw new ClientGone();
        } finally {
            writingSince = 0;
        }
    }

    /** The sharer's side's word (an error or a cancel) as the receiver's error event. */
    private void emitError(JsonObject message) {
        emitError(message.getString("code", Failure.SENDER_GONE.code()), message.getString("message", Failure.SENDER_GONE.message()));
    }

    private void emitError(String code, String message) {
        outcome = code;
        String data = JSON.createObjectBuilder().add("code", code).add("message", message).build().toString();
        emit(() -> events.event("error", data));
        events.close(); // nothing follows an error
    }

    private static String withoutType(JsonObject message) {
        JsonObjectBuilder builder = JSON.createObjectBuilder(message);
        builder.remove("type");
        return builder.build().toString();
    }

    /** The receiver's connection is gone; nothing more can be sent to it. */
    private static final class ClientGone extends RuntimeException {
        ClientGone() {
            super(null, null, false, false);
        }
    }
}
