package app.dragnshare.server.sharer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.common.buffers.BufferData;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;

import jakarta.json.JsonException;
import jakarta.json.JsonObject;

import app.dragnshare.server.auth.AuthException;
import app.dragnshare.server.auth.Member;
import app.dragnshare.server.http.StrictJson;
import app.dragnshare.server.redis.RedisErrors;
import app.dragnshare.server.session.SessionEvents;
import app.dragnshare.server.sharer.SharerUpkeep;
import app.dragnshare.server.websocket.BinaryIntake;
import app.dragnshare.server.websocket.ConnectionLost;
import app.dragnshare.server.websocket.Payload;

import redis.clients.jedis.exceptions.JedisException;
import app.dragnshare.server.relay.Messages;

/**
 * The WebSocket of one sharer (a page or a CLI that holds files). It authenticates with its first
 * message; from then on, whenever it is woken (a push into the member's inbox, a freed transfer
 * slot, the upkeep's re-check), a virtual thread pops download requests and session events from
 * the inbox without blocking and forwards them; the sharer answers with offers and binary chunk
 * frames. While idle it holds no thread of ours and no Redis connection: {@link SharerUpkeep}
 * renews its presence and pings it. One instance per connection. On the server's own WebSocket
 * connection ({@code BulkWsConnection}) chunk bytes arrive through {@link #onBinary}, unmasked
 * straight into their Redis element, and a client's pings are answered with pongs before they
 * reach this listener.
 */
public final class SharerSocket implements WsListener, BinaryIntake {
    private static final Logger LOG = Logger.getLogger(SharerSocket.class.getName());
    /** Close codes (4000-4999 are the application's; see PROTOCOL.md). */
    static final int BAD_MESSAGE = 4400;
    static final int UNAUTHORIZED = 4401;
    static final int FORBIDDEN = 4403;
    static final int REPLACED = 4409;
    static final int SESSION_ENDED = 4410;
    /** Longest an auth message waits for its turn in a reconnect storm before the client is told to come back. */
    private static final Duration AUTH_QUEUE_LIMIT = Duration.ofSeconds(60);

    private final SocketContext context;
    private final String connectionId;
    private final ReentrantLock sendLock = new ReentrantLock();
    private final SharerTransfers transfers;
    private final ChunkAssembler assembler;
    private final StringBuilder text = new StringBuilder();
    private volatile WsSession ws;
    private volatile Member member;
    private volatile boolean closed;
    /** Which of this socket's acknowledgements go on to Redis (their stream runs elsewhere). */
    private final AckForwarding ackForwarding = new AckForwarding();
    /** Set when the server stops: take no new requests, let running transfers finish. */
    private volatile boolean draining;
    /** Set when the first message arrives: the auth timeout is about sending it, not about how long we take to check it. */
    private volatile boolean authReceived;
    private volatile ScheduledFuture<?> authTimer;
    /** Set once authenticated: takes from the member's inbox when woken. */
    private volatile SharerInbox inbox;
    /** The protocol version the client said it speaks in its auth message (PROTOCOL.md §6); 1 if it did not. */
    private volatile int protocol = 1;

    public SharerSocket(SocketContext context) {
        this.context = context;
        this.connectionId = context.wakeups().newConnectionId();
        this.transfers = new SharerTransfers(context, this::send, this::slotFreed);
        this.assembler = new ChunkAssembler(transfers,
                context.settings().maxChunkSize() + ChunkAssembler.HEADER_LENGTH + 16L);
    }

    @Override
    public void onOpen(WsSession session) {
        this.ws = session;
        context.sockets().add(this);
        authTimer = context.upkeep().after(context.settings().authTimeout(), () -> {
            if (!authReceived && !closed) {
                close(UNAUTHORIZED, "authenticate within " + context.settings().authTimeout().toSeconds() + " s");
            }
        });
    }

    @Override
    public void onMessage(WsSession session, String part, boolean last) {
        if (text.length() + part.length() > context.settings().maxTextMessage()) {
            close(WsCloseCodes.TOO_BIG, "text message too long");
            return;
        }
        text.append(part);
        if (!last) {
            return;
        }
        String message = text.toString();
        text.setLength(0);
        try {
            handleText(message);
        } catch (ProtocolException e) {
            close(BAD_MESSAGE, e.getMessage());
        } catch (RuntimeException e) {
            serverFailed(e, "a socket message");
        }
    }

    @Override
    public void onMessage(WsSession session, BufferData buffer, boolean last) {
        onBinary(session, Payload.of(buffer), last);
    }

    @Override
    public void onBinary(WsSession session, Payload frame, boolean last) {
        if (member == null) {
            close(UNAUTHORIZED, "authenticate before sending data");
            return;
        }
        try {
            assembler.accept(frame, last);
        } catch (ProtocolException e) {
            close(BAD_MESSAGE, e.getMessage());
        } catch (ConnectionLost e) {
            throw e; // the client went away mid-frame: not a server failure; the connection reports it
        } catch (RuntimeException e) {
            serverFailed(e, "a chunk");
        }
    }

    /**
     * Something failed on the server while it handled a message: Redis (1011, "lost its database",
     * as PROTOCOL.md says, or 1013 when it is full) or a bug (1011 with a plain reason: Helidon would
     * otherwise close with the exception's own message).
     */
    private void serverFailed(RuntimeException e, String handling) {
        if (e instanceof JedisException redisFailure && RedisErrors.isFull(redisFailure)) {
            LOG.warning("Redis is full (maxmemory) while handling " + handling + "; the sharer is told to retry");
            close(WsCloseCodes.TRY_AGAIN_LATER, "the server is at capacity; reconnect shortly");
        } else if (e instanceof JedisException busy && RedisErrors.isPoolExhausted(busy)) {
            LOG.warning("no Redis connection free in time while handling " + handling + "; the sharer is told to retry");
            close(WsCloseCodes.TRY_AGAIN_LATER, "server busy; reconnect shortly");
        } else if (e instanceof JedisException) {
            LOG.warning("Redis failed while handling " + handling + ": " + e.getMessage());
            close(WsCloseCodes.UNEXPECTED_CONDITION, "server lost its database; reconnect shortly");
        } else {
            LOG.log(Level.SEVERE, "handling " + handling + " failed", e);
            close(WsCloseCodes.UNEXPECTED_CONDITION, "server error; reconnect shortly");
        }
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        LOG.fine(() -> "sharer closed its socket: " + status + " " + reason);
        shutdown();
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        LOG.log(Level.WARNING, "sharer socket failed", t);
        shutdown();
    }

    boolean isClosed() {
        return closed;
    }

    boolean isDraining() {
        return draining;
    }

    /** The server is stopping: requests stay in the inbox for the sharer's next connection (elsewhere). */
    void drain() {
        draining = true;
    }

    int activeTransfers() {
        return transfers.count();
    }

    /** Ends this connection because the server stops: transfers fail with "shutting-down", the client hears 1001. */
    void serverStopping() {
        transfers.shutdown();
        close(WsCloseCodes.GOING_AWAY, "server is restarting; reconnect shortly");
    }

    private void handleText(String message) throws ProtocolException {
        JsonObject json;
        try {
            json = Messages.parse(message);
        } catch (JsonException e) {
            throw new ProtocolException("not a JSON object (" + StrictJson.RULES + ")");
        }
        String type = ClientMessages.string(json, "type");
        if (member == null) {
            if (!"auth".equals(type)) {
                close(UNAUTHORIZED, "the first message must be {\"type\":\"auth\",\"token\":...}");
                return;
            }
            authReceived = true;
            ScheduledFuture<?> timer = authTimer;
            if (timer != null) {
                timer.cancel(false);
                authTimer = null; // a cancelled timer would hold ~100 bytes per socket for nothing
            }
            String token = ClientMessages.string(json, "token");
            protocol = ClientMessages.protocolOf(json);
            try {
                if (!context.upkeep().authenticate(AUTH_QUEUE_LIMIT, () -> authenticate(token))) {
                    close(WsCloseCodes.TRY_AGAIN_LATER, "server busy; reconnect shortly");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                close(WsCloseCodes.TRY_AGAIN_LATER, "server busy; reconnect shortly");
            }
            return;
        }
        if ("auth".equals(type)) {
            throw new ProtocolException("already authenticated");
        }
        if (type.equals("ack")) {
            ClientMessages.acknowledge(json, member, context.relay(), ackForwarding);
            return;
        }
        if (!type.equals("offer") && !type.equals("decline") && !type.equals("cancel")) {
            throw new ProtocolException("unknown message type '" + ClientMessages.shorten(type) + "'");
        }
        OutgoingTransfer transfer = transfers.find(ClientMessages.string(json, "transferId"));
        if (transfer == null) {
            return; // it ended (it crossed our cancel, or belongs to an earlier connection); nothing to do
        }
        switch (type) {
            case "offer" -> transfer.offer(json);
            case "decline" -> transfer.decline(json.getString("code", "declined"));
            default -> transfer.cancelledBySharer(json.getString("code", ""));
        }
    }

    private void authenticate(String token) {
        Member who;
        try {
            who = context.tokens().verify(token);
        } catch (AuthException e) {
            close(e.forbidden() ? FORBIDDEN : UNAUTHORIZED, e.getMessage());
            return;
        }
        if (context.store().find(who.sessionId()).isEmpty()) {
            close(SESSION_ENDED, context.store().wasEnded(who.sessionId()) ? "the host ended this session" : "this session expired");
            return;
        }
        if (context.store().member(who.sessionId(), who.memberId()).isEmpty()) {
            close(FORBIDDEN, "not a member of this session");
            return;
        }
        context.presence().claim(who.sessionId(), who.memberId(), connectionId);
        member = who;
        SharerInbox taker = new SharerInbox(this, context, transfers, who, connectionId);
        inbox = taker;
        context.wakeups().register(connectionId, taker::wake);
        context.upkeep().add(taker);
        if (closed) { // it closed while we authenticated: shutdown() may have run before the two lines above
            context.upkeep().remove(taker);
            context.wakeups().unregister(connectionId);
            return;
        }
        send(Messages.ready(who.sessionId(), who.memberId()));
        announcePresence(who);
        taker.wake(); // whatever waited for the member before it connected
    }

    /** A transfer of this socket ended: its instance permit goes back, and a request that waited may start. */
    private void slotFreed() {
        context.outgoing().release();
        SharerInbox taker = inbox;
        if (taker != null) {
            taker.wake();
        }
    }

    /** Whether an inbox message is a download request (the rest are session events for the page). */
    static boolean isRequest(JsonObject message) {
        return "request".equals(message.getString("type", ""));
    }

    /** Handles one inbox message; true when it started a transfer (which then owns a slot). */
    boolean dispatch(Member me, JsonObject message) {
        String type = message.getString("type", "");
        if (SessionEvents.TYPE_ENDED.equals(type)) {
            close(SESSION_ENDED, "this session has ended");
            return false;
        }
        if (!"request".equals(type)) {
            send(message); // a session event for the page
            return false;
        }
        return transfers.start(me, message, protocol);
    }

    void send(JsonObject message) {
        WsSession session = ws;
        if (closed || session == null) {
            return;
        }
        sendLock.lock();
        try {
            session.send(message.toString(), true);
        } catch (RuntimeException e) {
            LOG.fine(() -> "send failed, socket closing: " + e.getMessage());
            shutdown();
        } finally {
            sendLock.unlock();
        }
    }

    void ping() {
        sendLock.lock();
        try {
            if (!closed) {
                ws.ping(BufferData.create("ping".getBytes(StandardCharsets.US_ASCII)));
            }
        } catch (RuntimeException e) {
            shutdown();
        } finally {
            sendLock.unlock();
        }
    }

    void close(int code, String reason) {
        WsSession session = ws;
        if (session != null && !closed) {
            Member me = member;
            LOG.info(() -> "closing the socket of " + (me == null ? "an unauthenticated client" : "sharer " + me.memberId())
                    + ": " + code + " " + reason);
            sendLock.lock();
            try {
                session.close(code, ClientMessages.shorten(reason));
            } catch (RuntimeException e) {
                LOG.fine(() -> "close failed: " + e.getMessage());
            } finally {
                sendLock.unlock();
            }
        }
        shutdown();
    }

    /** Idempotent: every transfer of this socket fails towards its receiver, and the member is no longer online here. */
    private void shutdown() {
        if (closed) {
            return;
        }
        closed = true;
        context.sockets().remove(this);
        SharerInbox taker = inbox;
        if (taker != null) {
            context.upkeep().remove(taker);
        }
        context.wakeups().unregister(connectionId);
        ScheduledFuture<?> timer = authTimer;
        if (timer != null) {
            timer.cancel(false);
        }
        transfers.sharerGone();
        Member me = member;
        if (me != null) {
            // its paced downloads on this instance hear no more acknowledgements from it: they go on unpaced
            context.relay().paced().receiverLeft(me.sessionId() + "/" + me.memberId());
            try {
                context.presence().release(me.sessionId(), me.memberId(), connectionId);
                announcePresence(me);
            } catch (JedisException e) {
                LOG.fine(() -> "presence expires by TTL: " + e.getMessage());
            }
        }
    }

    /** Tells the session's other members that this one came online or went offline (their pages show it). */
    private void announcePresence(Member who) {
        context.inbox().pushEvent(who.sessionId(), context.store().members(who.sessionId()).stream()
                .filter(m -> !m.id().equals(who.memberId())).toList(), SessionEvents.MEMBERS_CHANGED);
    }
}
