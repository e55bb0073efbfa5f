package app.dragnshare.server.sharer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.websocket.WsCloseCodes;

import jakarta.json.JsonObject;

import app.dragnshare.server.auth.Member;
import app.dragnshare.server.redis.RedisErrors;
import app.dragnshare.server.sharer.SharerUpkeep;
import app.dragnshare.server.wakeup.Wakeups;

import redis.clients.jedis.exceptions.JedisException;

/**
 * One authenticated sharer socket's side of its member's inbox: when woken (a request pushed,
 * a transfer slot freed, the upkeep's re-check) a virtual thread pops without blocking while a
 * slot is free and hands each message to the socket; between wake-ups nothing runs and no Redis
 * connection is held. Also what the instance's {@link SharerUpkeep} sees of the socket.
 */
final class SharerInbox implements SharerUpkeep.Sharer {
    private static final Logger LOG = Logger.getLogger(SharerInbox.class.getName());
    private static final int IDLE = 0;
    private static final int TAKING = 1;
    private static final int AGAIN = 2;

    private final SharerSocket socket;
    private final SocketContext context;
    private final SharerTransfers transfers;
    private final Member member;
    private final String connectionId;
    /** A request taken from the inbox that Redis failed to start; touched only by the taking thread. */
    private volatile JsonObject heldBack;
    /** Whether a thread is taking (IDLE, TAKING) and whether it must look once more (AGAIN). */
    private final AtomicInteger taking = new AtomicInteger(IDLE);

    SharerInbox(SharerSocket socket, SocketContext context, SharerTransfers transfers, Member member, String connectionId) {
        this.socket = socket;
        this.context = context;
        this.transfers = transfers;
        this.member = member;
        this.connectionId = connectionId;
    }

    /** Something may wait in the inbox: take it on a virtual thread, unless one is taking already (then it looks again). */
    @Override
    public void wake() {
        if (taking.getAndUpdate(state -> state == IDLE ? TAKING : AGAIN) == IDLE) {
            Thread.ofVirtual().name("socket-inbox").start(this::takeWhileWoken);
        }
    }

    private void takeWhileWoken() {
        do {
            taking.set(TAKING);
            takeWaiting();
        } while (!taking.compareAndSet(TAKING, IDLE));
    }

    /**
     * Pops inbox messages without blocking while a transfer slot is free (of this sharer and of
     * the instance: requests beyond either wait in Redis) and hands each on.
     */
    private void takeWaiting() {
        try {
            takeWhileRoom();
        } finally {
            settleHeldBack();
        }
    }

    private void takeWhileRoom() {
        try {
            while (!socket.isClosed() && !socket.isDraining() && transfers.tryReserveSlot()) {
                if (!context.outgoing().tryAcquire()) {
                    transfers.releaseSlot();
                    return; // the instance serves its maximum: the upkeep's re-check looks again
                }
                boolean started = false;
                try {
                    JsonObject message = heldBack;
                    heldBack = null;
                    if (message == null) {
                        message = context.inbox().poll(member.sessionId(), member.memberId()).orElse(null);
                    }
                    if (message == null) {
                        return;
                    }
                    try {
                        started = socket.dispatch(member, message); // a started transfer keeps its slot and permit
                    } catch (SharerTransfers.NotTaken e) {
                        holdBack(message);
                        throw e.redisFailure();
                    }
                } finally {
                    if (!started) {
                        transfers.releaseSlot();
                        context.outgoing().release();
                    }
                }
            }
        } catch (JedisException e) {
            if (socket.isClosed()) {
                return; // the socket closed while this loop waited in Redis (e.g. at shutdown)
            }
            if (RedisErrors.isFull(e) || RedisErrors.isPoolExhausted(e)) {
                // Redis is full, or this instance busy: the socket stays, the upkeep's re-check tries again
                LOG.warning("sharer " + member.memberId() + " waits: " + e.getMessage());
                return;
            }
            LOG.log(Level.WARNING, "sharer " + member.memberId() + " lost Redis", e);
            socket.close(WsCloseCodes.UNEXPECTED_CONDITION, "server lost its database; reconnect shortly");
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "inbox of sharer " + member.memberId() + " failed", e);
            socket.close(WsCloseCodes.UNEXPECTED_CONDITION, "server error; reconnect shortly");
        }
    }

    /**
     * A request Redis failed to start (nobody heard of it yet) is kept here, not lost, and tried
     * first at the next look: a busy pool has no connection to put it back with.
     */
    private void holdBack(JsonObject message) {
        heldBack = message;
    }

    /**
     * After a look: a request still held back is tried again in a second (the upkeep's re-check
     * only sees what waits in Redis), or goes back to the inbox, for the member's next connection,
     * when the socket is closing or draining.
     */
    private void settleHeldBack() {
        JsonObject message = heldBack;
        if (message == null) {
            return;
        }
        if (!socket.isClosed() && !socket.isDraining()) {
            context.upkeep().after(Wakeups.RECHECK, this::wake);
            return;
        }
        heldBack = null;
        try {
            context.inbox().putBack(member.sessionId(), member.memberId(), message);
        } catch (JedisException e) {
            LOG.warning("a download request for sharer " + member.memberId() + " was lost with its connection ("
                    + e.getMessage() + "); its receiver tries again or hears \"timeout\"");
        }
    }

    @Override
    public String sessionId() {
        return member.sessionId();
    }

    @Override
    public String memberId() {
        return member.memberId();
    }

    @Override
    public String connectionId() {
        return connectionId;
    }

    @Override
    public boolean wantsRequests() {
        return !socket.isClosed() && !socket.isDraining() && transfers.count() < context.settings().maxTransfersPerSender()
                && context.outgoing().availablePermits() > 0;
    }

    @Override
    public Duration heartbeat() {
        // Helidon does not tell a listener when its peer vanishes; a failing ping does.
        // While transfers run, ping more often so their receivers hear within seconds.
        return transfers.count() == 0 ? context.settings().heartbeat() : context.settings().block();
    }

    @Override
    public void ping() {
        socket.ping();
    }

    @Override
    public void replaced() {
        socket.close(SharerSocket.REPLACED, "this member connected again elsewhere");
    }

    @Override
    public void sessionEnded() {
        socket.close(SharerSocket.SESSION_ENDED, "this session has ended");
    }
}
