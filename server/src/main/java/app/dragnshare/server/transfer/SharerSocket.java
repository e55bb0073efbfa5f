package app.dragnshare.server.transfer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.common.buffers.BufferData;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;

import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;

import app.dragnshare.server.auth.AuthException;
import app.dragnshare.server.auth.Member;
import app.dragnshare.server.http.Ids;
import app.dragnshare.server.redis.RedisErrors;
import app.dragnshare.server.session.SessionEvents;
import app.dragnshare.server.websocket.BinaryIntake;
import app.dragnshare.server.websocket.Payload;

import redis.clients.jedis.exceptions.JedisException;

/**
 * The WebSocket of one sharer (a page or a CLI that holds files). It authenticates with its first
 * message, then a virtual thread takes download requests and session events from the member's
 * inbox in Redis (blocking pops) and forwards them; the sharer answers with offers and binary
 * chunk frames. One instance per connection. On the server's own WebSocket connection chunk
 * bytes arrive through {@link #onBinary}, unmasked straight into their Redis element.
 */
public final class SharerSocket implements WsListener, BinaryIntake {
    private static final Logger LOG = Logger.getLogger(SharerSocket.class.getName());
    /** Close codes (4000-4999 are the application's; see PROTOCOL.md). */
    static final int BAD_MESSAGE = 4400;
    static final int UNAUTHORIZED = 4401;
    static final int FORBIDDEN = 4403;
    static final int REPLACED = 4409;
    static final int SESSION_ENDED = 4410;

    private final SocketContext context;
    private final String connectionId = Ids.random();
    private final ReentrantLock sendLock = new ReentrantLock();
    private final SharerTransfers transfers;
    private final ChunkAssembler assembler;
    private final StringBuilder text = new StringBuilder();
    private volatile WsSession ws;
    private volatile Member member;
    private volatile boolean closed;
    /** Set when the server stops: take no new requests, let running transfers finish. */
    private volatile boolean draining;

    public SharerSocket(SocketContext context) {
        this.context = context;
        this.transfers = new SharerTransfers(context, this::send);
        this.assembler = new ChunkAssembler(transfers,
                context.settings().maxChunkSize() + ChunkAssembler.HEADER_LENGTH + 16L);
    }

    @Override
    public void onOpen(WsSession session) {
        this.ws = session;
        context.sockets().add(this);
        Thread.ofVirtual().name("socket-auth-timer").start(() -> {
            try {
                Thread.sleep(context.settings().authTimeout());
            } catch (InterruptedException e) {
                return;
            }
            if (member == null && !closed) {
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
        } catch (JedisException e) {
            LOG.warning("Redis failed on a socket message: " + e.getMessage());
            close(WsCloseCodes.UNEXPECTED_CONDITION, "server lost its database; reconnect shortly");
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
        } catch (JedisException e) {
            LOG.warning("Redis failed while relaying a chunk: " + e.getMessage());
            close(WsCloseCodes.UNEXPECTED_CONDITION, "server lost its database; reconnect shortly");
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
        } catch (JsonException | IllegalStateException e) {
            throw new ProtocolException("message is not a JSON object (or names a member twice)");
        }
        String type = string(json, "type");
        if (member == null) {
            if (!"auth".equals(type)) {
                close(UNAUTHORIZED, "the first message must be {\"type\":\"auth\",\"token\":...}");
                return;
            }
            authenticate(string(json, "token"));
            return;
        }
        if ("auth".equals(type)) {
            throw new ProtocolException("already authenticated");
        }
        if (!type.equals("offer") && !type.equals("decline") && !type.equals("cancel")) {
            throw new ProtocolException("unknown message type '" + shorten(type) + "'");
        }
        OutgoingTransfer transfer = transfers.find(string(json, "transferId"));
        if (transfer == null) {
            return; // it ended (it crossed our cancel, or belongs to an earlier connection); nothing to do
        }
        switch (type) {
            case "offer" -> transfer.offer(json);
            case "decline" -> transfer.decline(json.getString("code", "declined"));
            default -> transfer.cancelledBySharer();
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
            close(SESSION_ENDED, "this session has ended");
            return;
        }
        if (context.store().member(who.sessionId(), who.memberId()).isEmpty()) {
            close(FORBIDDEN, "not a member of this session");
            return;
        }
        context.presence().claim(who.sessionId(), who.memberId(), connectionId);
        member = who;
        send(Messages.ready(who.sessionId(), who.memberId()));
        announcePresence(who);
        Thread.ofVirtual().name("socket-inbox-" + who.memberId()).start(this::takeFromInbox);
    }

    /**
     * The member's inbox loop: a blocking pop with a short timeout, so between messages it can
     * renew the member's presence, keep the session alive and ping the client. It takes a request
     * only while a transfer slot is free; the others wait in Redis.
     */
    private void takeFromInbox() {
        Member me = member;
        TransferSettings settings = context.settings();
        Duration presenceRefresh = context.presence().ttl().dividedBy(3);
        long lastPresence = System.nanoTime();
        long lastTouch = System.nanoTime();
        long lastPing = System.nanoTime();
        try {
            while (!closed) {
                boolean slot = !draining && transfers.reserveSlot(settings.block());
                if (draining) {
                    Thread.sleep(settings.block()); // only presence and pings until the server closes us
                }
                Optional<JsonObject> message = Optional.empty();
                try {
                    if (slot) {
                        message = context.inbox().take(me.sessionId(), me.memberId(), settings.block());
                    }
                    long now = System.nanoTime();
                    if (now - lastPresence > presenceRefresh.toNanos()) {
                        lastPresence = now;
                        if (!context.presence().renew(me.sessionId(), me.memberId(), connectionId)) {
                            close(REPLACED, "this member connected again elsewhere");
                            return;
                        }
                    }
                    if (now - lastTouch > Duration.ofSeconds(60).toNanos()) {
                        lastTouch = now;
                        if (!context.store().touch(me.sessionId())) {
                            close(SESSION_ENDED, "this session has ended");
                            return;
                        }
                    }
                    // Helidon does not tell a listener when its peer vanishes; a failing ping does.
                    // While transfers run, ping at every wake-up so their receivers hear within seconds.
                    long pingEvery = transfers.count() == 0 ? settings.heartbeat().toNanos() : settings.block().toNanos();
                    if (now - lastPing > pingEvery) {
                        lastPing = now;
                        ping();
                    }
                    if (message.isPresent() && !closed) {
                        slot = !dispatch(me, message.get()); // a started transfer keeps its slot
                    }
                } catch (JedisException e) {
                    if (!RedisErrors.isFull(e)) {
                        throw e;
                    }
                    // Redis is full: writes fail until memory comes back; the socket stays, waits, tries again
                    LOG.warning("Redis is full (maxmemory); sharer " + me.memberId() + " waits");
                    Thread.sleep(settings.block());
                } finally {
                    if (slot) {
                        transfers.releaseSlot();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (JedisException e) {
            if (closed) {
                return; // the socket closed while this loop waited in Redis (e.g. at shutdown)
            }
            LOG.log(Level.WARNING, "sharer " + me.memberId() + " lost Redis", e);
            close(WsCloseCodes.UNEXPECTED_CONDITION, "server lost its database; reconnect shortly");
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "inbox loop of sharer " + me.memberId() + " failed", e);
            close(WsCloseCodes.UNEXPECTED_CONDITION, "server error; reconnect shortly");
        }
    }

    /** Handles one inbox message; true when it started a transfer (which then owns a slot). */
    private boolean dispatch(Member me, JsonObject message) {
        String type = message.getString("type", "");
        if (SessionEvents.TYPE_ENDED.equals(type)) {
            close(SESSION_ENDED, "this session has ended");
            return false;
        }
        if (!"request".equals(type)) {
            send(message); // a session event for the page
            return false;
        }
        return transfers.start(me, message);
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

    private void ping() {
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

    private void close(int code, String reason) {
        WsSession session = ws;
        if (session != null && !closed) {
            Member me = member;
            LOG.info(() -> "closing the socket of " + (me == null ? "an unauthenticated client" : "sharer " + me.memberId())
                    + ": " + code + " " + reason);
            sendLock.lock();
            try {
                session.close(code, shorten(reason));
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
        transfers.sharerGone();
        Member me = member;
        if (me != null) {
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
        context.inbox().pushAll(who.sessionId(), context.store().members(who.sessionId()).stream()
                .filter(m -> !m.id().equals(who.memberId())).toList(), SessionEvents.MEMBERS_CHANGED);
    }

    private static String string(JsonObject json, String name) throws ProtocolException {
        if (json.get(name) instanceof JsonString s) {
            return s.getString();
        }
        throw new ProtocolException("\"" + name + "\" must be a string");
    }

    /** Close reasons must fit in 123 bytes of UTF-8. */
    private static String shorten(String reason) {
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= 120) {
            return reason;
        }
        return new String(bytes, 0, 120, StandardCharsets.UTF_8).replaceAll("\uFFFD$", "");
    }
}
