package app.dragnshare.server.sharer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

import jakarta.json.JsonObject;

import app.dragnshare.server.auth.Member;
import app.dragnshare.server.session.FileRecord;
import app.dragnshare.server.relay.Failure;
import app.dragnshare.server.relay.Messages;
import app.dragnshare.server.relay.TransferChannel;

import redis.clients.jedis.exceptions.JedisException;

/**
 * The transfers one sharer connection serves: at most MAX_TRANSFERS_PER_SENDER at once (a slot
 * each), looked up by id for the sharer's messages and chunk frames. Ids of transfers that just
 * ended are remembered for a while, so a message that crossed our cancel is dropped quietly
 * rather than taken for a protocol error.
 */
final class SharerTransfers implements ChunkAssembler.Target {
    private static final int RECENTLY_ENDED_KEPT = 64;

    private final SocketContext context;
    private final Consumer<JsonObject> send;
    private final Runnable slotFreed;
    private final Semaphore slots;
    private final Map<String, OutgoingTransfer> running = new ConcurrentHashMap<>();
    private final Set<String> recentlyEnded = Collections.synchronizedSet(Collections.newSetFromMap(
            new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > RECENTLY_ENDED_KEPT;
                }
            }));

    /** {@code slotFreed} runs when a started transfer ends and gives its slot back. */
    SharerTransfers(SocketContext context, Consumer<JsonObject> send, Runnable slotFreed) {
        this.context = context;
        this.send = send;
        this.slotFreed = slotFreed;
        this.slots = new Semaphore(context.settings().maxTransfersPerSender());
    }

    /** Takes a free slot, if there is one; never waits. */
    boolean tryReserveSlot() {
        return slots.tryAcquire();
    }

    void releaseSlot() {
        slots.release();
    }

    /**
     * Starts the transfer a download request asks for, in a reserved slot. False when nothing
     * started (the receiver left while the request waited, or the file is gone), so the caller
     * releases the slot; a started transfer releases it when it ends. A sharer that speaks
     * {@code protocol} 1 cannot resume, so a request with a start gets "resume-unsupported".
     */
    boolean start(Member sharer, JsonObject request, int protocol) {
        String transferId = request.getString("transferId");
        TransferChannel channel = context.relay().channel(transferId);
        boolean resumable = start(request) == 0 || protocol >= 2;
        Optional<FileRecord> file;
        JsonObject relayed;
        try { // reads only: if one fails, nobody heard of the request yet and it can be taken again
            if (!channel.isAlive(TransferChannel.Side.RECEIVER)) {
                return false;
            }
            file = context.store().file(sharer.sessionId(), request.getString("fileId"))
                    .filter(f -> f.ownerId().equals(sharer.memberId()));
            relayed = resumable && file.isPresent() ? context.tap().request(request) : null;
        } catch (JedisException e) {
            throw new NotTaken(e);
        }
        if (!resumable) {
            channel.toReceiver(Messages.error(Failure.RESUME_UNSUPPORTED.code(), Failure.RESUME_UNSUPPORTED.message()));
            return false;
        }
        if (file.isEmpty()) {
            channel.toReceiver(Messages.error(Failure.UNAVAILABLE.code(), Failure.UNAVAILABLE.message()));
            return false;
        }
        OutgoingTransfer transfer = new OutgoingTransfer(transferId, file.get(), start(request), channel, context.settings(),
                context.tap(), new Link(), context.marks());
        running.put(transferId, transfer);
        send.accept(Messages.request(transferId, file.get().id(), relayed.getString("receiverId", ""),
                relayed.getString("publicKey"), relayed.getString("hmac"), start(relayed)));
        transfer.start();
        return true;
    }

    /** The request's first chunk (what the sharer hears may differ: a test's relay may alter it). */
    private static long start(JsonObject request) {
        return request.containsKey("start") ? request.getJsonNumber("start").longValue() : 0;
    }

    /**
     * Redis failed before the sharer heard of a request: nothing of it started, so it may be
     * queued again rather than lost (the receiver would wait for an offer that never comes).
     */
    static final class NotTaken extends RuntimeException {
        NotTaken(JedisException cause) {
            super(cause.getMessage(), cause, false, false);
        }

        JedisException redisFailure() {
            return (JedisException) getCause();
        }
    }

    /**
     * The transfer a sharer's message or chunk is about, or null when this connection does not
     * run it: it ended (the message crossed our cancel), or it belonged to an earlier connection
     * of the same client. Such messages are dropped; for one that is not a recent one, the client
     * hears {@code unknown-transfer} once, and the socket and its other transfers carry on.
     */
    OutgoingTransfer find(String transferId) {
        OutgoingTransfer transfer = running.get(transferId);
        if (transfer == null && recentlyEnded.add(transferId)) {
            send.accept(Messages.error(transferId, "unknown-transfer", "this connection runs no such transfer"));
        }
        return transfer;
    }

    int count() {
        return running.size();
    }

    /** The connection is gone: every receiver hears that its sharer went away. */
    void sharerGone() {
        List.copyOf(running.values()).forEach(OutgoingTransfer::sharerGone);
    }

    /** The server is stopping: every transfer fails with "shutting-down", on both sides. */
    void shutdown() {
        List.copyOf(running.values()).forEach(OutgoingTransfer::shutdown);
    }

    @Override
    public PartialChunk start(String transferId, long index) throws ProtocolException {
        OutgoingTransfer transfer = find(transferId);
        return transfer == null ? null : transfer.startChunk(index);
    }

    @Override
    public void complete(String transferId, byte[] element) {
        OutgoingTransfer transfer = running.get(transferId);
        if (transfer != null) {
            transfer.completeChunk(element);
        }
    }

    private final class Link implements OutgoingTransfer.Link {
        @Override
        public void send(JsonObject message) {
            send.accept(message);
        }

        @Override
        public void ended(OutgoingTransfer transfer) {
            recentlyEnded.add(transfer.transferId());
            if (running.remove(transfer.transferId()) != null) {
                slots.release();
                slotFreed.run();
            }
        }
    }
}
