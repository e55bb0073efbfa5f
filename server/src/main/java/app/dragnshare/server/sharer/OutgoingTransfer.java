package app.dragnshare.server.sharer;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

import jakarta.json.JsonObject;

import app.dragnshare.server.redis.RedisErrors;
import app.dragnshare.server.session.FileRecord;

import redis.clients.jedis.exceptions.JedisException;
import app.dragnshare.server.relay.Failure;
import app.dragnshare.server.relay.LivenessMarks;
import app.dragnshare.server.relay.Messages;
import app.dragnshare.server.relay.RelayTap;
import app.dragnshare.server.relay.TransferChannel;
import app.dragnshare.server.relay.TransferSettings;

/**
 * One transfer as the sharer's server instance sees it: requested (waiting for the sharer's
 * offer), then streaming (asking the sharer for one chunk per credit from the receiver's side),
 * then ended. Its own virtual thread waits for the offer, then pushes the chunks the socket
 * hands it and turns credits into pulls: each push takes the credits waiting in the same round
 * trip, and it waits on Redis for credits only while no pulled chunk is on its way. The socket's
 * reader hands a complete chunk over and reads on, so it does not wait on Redis; it waits only when
 * the chunk before is still waiting to be pushed ({@value #HAND_OFF_CHUNKS} in the hand-off, one
 * being pushed), which bounds the heap a transfer takes. After the last chunk it gives its slot
 * back and waits up to RECEIPT_TIMEOUT for the receiver's receipt, which it relays (PROTOCOL.md §4.9).
 */
final class OutgoingTransfer {
    private static final Logger LOG = Logger.getLogger(OutgoingTransfer.class.getName());
    static final int HAND_OFF_CHUNKS = 1;
    /** Most credits one push takes along; any more wait for the next push. */
    private static final int CREDITS_PER_PUSH = 64;
    /** Put into the hand-off when the transfer ends, to wake its thread. */
    private static final byte[] ENDED = new byte[0];

    enum State { REQUESTED, STREAMING, AWAITING_RECEIPT, ENDED }

    /** What the transfer needs from the socket it belongs to. */
    interface Link {
        void send(JsonObject message);

        void ended(OutgoingTransfer transfer);
    }

    private final String transferId;
    private final FileRecord file;
    /** The first chunk the receiver asked for: pulls start here (PROTOCOL.md §4.8). */
    private final long start;
    private final TransferChannel channel;
    private final TransferSettings settings;
    private final RelayTap tap;
    private final Link link;
    private final LivenessMarks marks;
    private final AtomicReference<State> state = new AtomicReference<>(State.REQUESTED);
    private final CountDownLatch answered = new CountDownLatch(1);
    private final AtomicLong pulled;
    private final BlockingQueue<byte[]> handOff = new ArrayBlockingQueue<>(HAND_OFF_CHUNKS);
    /** Chunks pushed to Redis; touched only by the transfer's thread. */
    private long pushed;
    private volatile long chunkSize;
    private volatile long chunks;
    /** Next index the sharer must send, and the chunk arriving now; touched only by the socket's reading thread. */
    private long nextChunk;
    private PartialChunk current;

    OutgoingTransfer(String transferId, FileRecord file, long start, TransferChannel channel, TransferSettings settings,
                     RelayTap tap, Link link, LivenessMarks marks) {
        this.transferId = transferId;
        this.file = file;
        this.start = start;
        this.pulled = new AtomicLong(start);
        this.pushed = start;
        this.nextChunk = start;
        this.channel = channel;
        this.settings = settings;
        this.tap = tap;
        this.link = link;
        this.marks = marks;
    }

    String transferId() {
        return transferId;
    }

    void start() {
        Thread.ofVirtual().name("transfer-" + transferId).start(this::run);
    }

    /** The sharer answered with an offer: check it against the file and pass it on. */
    void offer(JsonObject message) throws ProtocolException {
        if (state.get() != State.REQUESTED) {
            throw new ProtocolException("offer for a transfer that is not waiting for one");
        }
        String problem = OfferCheck.problem(message, file, settings.maxChunkSize(), start);
        if (problem != null) {
            link.send(Messages.error(transferId, Failure.BAD_OFFER.code(), problem));
            end(Failure.BAD_OFFER, true);
            return;
        }
        chunkSize = message.getJsonNumber("chunkSize").longValue();
        chunks = message.getJsonNumber("chunks").longValue();
        JsonObject offer = Messages.offer(message.getString("publicKey"), message.getString("hmac"), file.name(), file.size(),
                file.type(), chunkSize, chunks);
        marks.hold(channel, TransferChannel.Side.SENDER);
        if (state.compareAndSet(State.REQUESTED, State.STREAMING)) {
            channel.toReceiver(tap.offer(offer));
        }
        answered.countDown();
    }

    void decline(String code) {
        end(Failure.fromDecline(code), true);
    }

    /** The sharer cancelled; with code "tampered" it saw the relay misbehave (a repeated or out-of-order pull). */
    void cancelledBySharer(String code) {
        end("tampered".equals(code) ? Failure.TAMPERED : Failure.CANCELLED, true);
    }

    /** The socket closed: the receiver must hear that the sharer is gone. */
    void sharerGone() {
        end(Failure.SENDER_GONE, true);
    }

    /** The server is stopping. */
    void shutdown() {
        if (state.get() != State.ENDED) {
            link.send(Messages.cancel(transferId, Failure.SHUTTING_DOWN.code(), Failure.SHUTTING_DOWN.message()));
        }
        end(Failure.SHUTTING_DOWN, true);
    }

    /**
     * A chunk message's header arrived: the chunk it starts (which must be the next one pulled) or
     * continues (the one in progress). Null when the transfer has ended, so the bytes are dropped.
     */
    PartialChunk startChunk(long index) throws ProtocolException {
        if (state.get() == State.ENDED) {
            return null; // it crossed our cancel on the way; drop it
        }
        if (state.get() != State.STREAMING) {
            throw new ProtocolException("chunk before the offer");
        }
        if (current != null) {
            if (index != current.index) {
                throw new ProtocolException("chunk " + index + " while chunk " + current.index + " is incomplete");
            }
            return current;
        }
        tap.chunkStarted(transferId, index);
        if (index != nextChunk || index >= pulled.get()) {
            throw new ProtocolException("chunk " + index + " was not requested");
        }
        current = new PartialChunk(index, (int) TransferSettings.cipherLength(file.size(), chunkSize, chunks, index));
        return current;
    }

    /** A whole chunk arrived: hand it to the transfer's thread (waits while the hand-off is full). */
    void completeChunk(byte[] element) {
        current = null;
        nextChunk++;
        try {
            while (state.get() == State.STREAMING) {
                if (handOff.offer(element, 100, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            if (!answered.await(settings.offerTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                link.send(Messages.cancel(transferId, Failure.TIMEOUT.code(), "you did not answer this request in time"));
                end(Failure.TIMEOUT, true);
                return;
            }
            stream();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            end(Failure.SHUTTING_DOWN, true);
        } catch (JedisException e) {
            LOG.warning("transfer " + transferId + " lost Redis: " + e.getMessage());
            link.send(Messages.cancel(transferId, Failure.SERVER_ERROR.code(), Failure.SERVER_ERROR.message()));
            end(Failure.SERVER_ERROR, true);
        }
    }

    /** Pushes chunks and pulls one per credit until "done" or "cancel" from the receiver's side ends it. */
    private void stream() throws InterruptedException {
        while (state.get() == State.STREAMING) {
            TransferChannel.Signal signal;
            if (pushed < pulled.get()) {
                byte[] element = handOff.poll(settings.block().toMillis(), TimeUnit.MILLISECONDS);
                if (element == ENDED) {
                    return;
                }
                signal = element == null ? lookAround() : push(element);
            } else {
                signal = channel.awaitCredit(settings.block());
            }
            switch (signal) {
                case TransferChannel.Data credit -> pull(1);
                case TransferChannel.Credits credits -> pull(credits.count());
                case TransferChannel.Control control -> {
                    if (answer(control.message())) {
                        return;
                    }
                }
                case TransferChannel.Timeout timeout -> {
                    if (!channel.isAlive(TransferChannel.Side.RECEIVER)) {
                        // its side may have said "done" and left between our wait's end and this check
                        if (channel.pushAndTakeCredits(null, 1) instanceof TransferChannel.Control last && answer(last.message())) {
                            return;
                        }
                        link.send(Messages.cancel(transferId, Failure.RECEIVER_GONE.code(), Failure.RECEIVER_GONE.message()));
                        end(null, false);
                        return;
                    }
                }
                case TransferChannel.Empty empty -> {
                }
            }
        }
    }

    /** The sharer is slow to send what it was asked for: has the receiver's side said anything, or gone? */
    private TransferChannel.Signal lookAround() {
        TransferChannel.Signal signal = channel.pushAndTakeCredits(null, CREDITS_PER_PUSH);
        return signal instanceof TransferChannel.Credits credits && credits.count() == 0 ? TransferChannel.Timeout.INSTANCE : signal;
    }

    private TransferChannel.Signal push(byte[] element) {
        pushed++;
        try {
            // under the lock that end() takes, so no chunk is pushed after the final clean-up
            synchronized (this) {
                if (state.get() == State.STREAMING) {
                    return channel.pushAndTakeCredits(element, CREDITS_PER_PUSH);
                }
            }
            return TransferChannel.Empty.INSTANCE;
        } catch (JedisException e) {
            if (!RedisErrors.isFull(e)) {
                throw e; // Redis is gone: run() fails the transfer
            }
            // Redis is full: this transfer fails, the sharer's other transfers go on
            link.send(Messages.cancel(transferId, Failure.SERVER_BUSY.code(), Failure.SERVER_BUSY.message()));
            end(Failure.SERVER_BUSY, true);
            return TransferChannel.Empty.INSTANCE;
        }
    }

    /** One pull per credit, up to the last chunk (credits beyond it are dropped). */
    private void pull(int credits) {
        for (int i = 0; i < credits; i++) {
            long index = pulled.get();
            if (index >= chunks || state.get() != State.STREAMING) {
                return;
            }
            pulled.incrementAndGet();
            for (JsonObject pull : tap.pull(Messages.pull(transferId, index))) { // a test may play a relay that repeats pulls
                link.send(pull);
            }
        }
    }

    /**
     * A message from the receiver's side: "done" or "cancel" from its server instance, or one of
     * the receiver's own reports. True when the transfer is over.
     */
    private boolean answer(JsonObject message) throws InterruptedException {
        switch (message.getString("type", "")) {
            case "verified" -> {
                relayProgress(message);
                return false;
            }
            case "done", "receipt" -> { // a receipt may overtake "done" on its way (another instance)
                if (state.compareAndSet(State.STREAMING, State.AWAITING_RECEIPT)) {
                    link.send(Messages.done(transferId));
                    link.ended(this); // the sharer reads no more of the file: its slot is free
                    awaitReceipt("receipt".equals(message.getString("type")) ? message : null);
                }
                return true;
            }
            case "failed" -> {
                receiverFoundTampering();
                return true;
            }
            default -> {
                String code = message.getString("code", Failure.RECEIVER_GONE.code());
                link.send(Messages.cancel(transferId, code, message.getString("message", Failure.RECEIVER_GONE.message())));
                end(null, false);
                return true;
            }
        }
    }

    /**
     * After the last chunk: relays the receiver's reports until its receipt (or its word that it
     * found tampering) comes, for at most RECEIPT_TIMEOUT; without one the sharer hears "unconfirmed".
     * The sharer verifies the receipt itself: the server cannot make one.
     */
    private void awaitReceipt(JsonObject early) throws InterruptedException {
        long deadline = System.nanoTime() + settings.receiptTimeout().toNanos();
        JsonObject message = early;
        while (message == null || "verified".equals(message.getString("type", ""))) {
            if (message != null) {
                relayProgress(message);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0 || state.get() != State.AWAITING_RECEIPT) {
                link.send(Messages.unconfirmed(transferId));
                end(null, false);
                return;
            }
            TransferChannel.Signal signal = channel.awaitReport(min(settings.block(), Duration.ofNanos(left)));
            message = signal instanceof TransferChannel.Control control ? control.message() : null;
        }
        switch (message.getString("type", "")) {
            case "receipt" -> link.send(Messages.receipt(transferId, chunks(message), message.getString("receipt", "")));
            case "failed" -> receiverFoundTampering();
            default -> link.send(Messages.unconfirmed(transferId)); // a late "cancel" of its side: nothing to confirm
        }
        end(null, false);
    }

    private void relayProgress(JsonObject report) {
        link.send(Messages.verified(transferId, chunks(report)));
    }

    /** The receiver says a check failed and it stopped: the sharer hears it as tampering, a running stream ends. */
    private void receiverFoundTampering() {
        link.send(Messages.cancel(transferId, Failure.TAMPERED.code(),
                "the receiver found this transfer altered on the way and stopped; the file was not delivered"));
        boolean streaming = state.get() == State.STREAMING;
        end(streaming ? Failure.TAMPERED : null, streaming);
    }

    private static long chunks(JsonObject report) {
        return report.getJsonNumber("chunks").longValue();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /**
     * Ends the transfer once; false if it had ended already. With {@code tellReceiver} the
     * receiver's stream gets the failure as its error event; without, the receiver's side has
     * ended itself and every key of the transfer can go.
     */
    private boolean end(Failure failure, boolean tellReceiver) {
        synchronized (this) {
            State was = state.getAndSet(State.ENDED);
            if (was == State.ENDED) {
                return false;
            }
            // after the last chunk the receiver's stream is over: nobody reads an error, and every key can go
            tellReceiver &= was != State.AWAITING_RECEIPT;
        }
        answered.countDown();
        handOff.clear();
        handOff.offer(ENDED);
        marks.release(channel);
        try {
            if (failure == Failure.SERVER_BUSY) {
                channel.dropQueue(); // frees Redis memory, so the error below can be written
            }
            if (failure != null && tellReceiver) {
                channel.toReceiver(Messages.error(failure.code(), failure.message()));
            }
            channel.closeSenderSide(!tellReceiver);
        } catch (JedisException e) {
            LOG.fine(() -> "could not clean up " + transferId + "; its keys expire by TTL: " + e.getMessage());
        } finally {
            link.ended(this);
        }
        return true;
    }

}
