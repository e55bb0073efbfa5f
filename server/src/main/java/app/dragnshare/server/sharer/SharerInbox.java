package app.dragnshare.server.sharer;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.websocket.WsCloseCodes;

import jakarta.json.JsonObject;

import app.dragnshare.server.auth.Member;
import app.dragnshare.server.redis.RedisErrors;
import app.dragnshare.server.session.Inbox;
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
    /**
     * A request taken from the inbox that could not start yet (no transfer slot free, or Redis
     * failed before the sharer heard of it): tried first at the next look; touched only by the
     * taking thread.
     */
    private volatile JsonObject heldBack;
    /** The last look found a request at the head of the inbox and no slot for it: the next look waits for one. */
    private volatile boolean requestWaits;
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
     * Takes inbox messages without blocking and hands each on: a session event at once, a download
     * request only with a transfer slot free (of this sharer and of the instance). A request that
     * has none stays in Redis, and the events behind it wait with it (in order).
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
            while (!socket.isClosed() && !socket.isDraining()) {
                JsonObject message = heldBack;
                heldBack = null;
                if (message == null) {
                    // a request beyond our slots waits in Redis (where the inbox cap counts it); events never wait
                    Inbox.Taken taken = context.inbox().take(member.sessionId(), member.memberId(), hasRoom());
                    requestWaits = taken.requestWaits();
                    message = taken.message();
                }
                if (message == null) {
                    return;
                }
                if (!SharerSocket.isRequest(message)) {
                    // never behind a transfer permit: at the instance's limit, pages must still hear of changes
                    socket.dispatch(member, message);
                    continue;
                }
                if (!transfers.tryReserveSlot()) {
                    heldBack = message; // the room we saw was taken meanwhile: tried again every second
                    return;
                }
                if (!context.outgoing().tryAcquire()) {
                    transfers.releaseSlot();
                    heldBack = message;
                    return;
                }
                boolean started = false;
                try {
                    started = socket.dispatch(member, message); // a started transfer keeps its slot and permit
                } catch (SharerTransfers.NotTaken e) {
                    heldBack = message;
                    throw e.redisFailure();
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

    /** Whether a request could start now (a slot of ours and of the instance free); a hint, taken for real after. */
    private boolean hasRoom() {
        return transfers.count() < context.settings().maxTransfersPerSender() && context.outgoing().availablePermits() > 0;
    }

    @Override
    public boolean wantsMessages() {
        // a request at the head of the inbox (or held here) keeps everything behind it until a slot frees
        return !socket.isClosed() && !socket.isDraining() && (heldBack == null && !requestWaits || hasRoom());
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
