package app.dragnshare.server.websocket;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.ReentrantLock;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.FixedLimit;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.concurrency.limits.LimitException;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.SocketContext;
import io.helidon.http.DateTime;
import io.helidon.http.Headers;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.websocket.WsUpgrader;
import io.helidon.websocket.WsCloseCodes;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;

/**
 * The server side of one WebSocket, in place of Helidon's {@code WsConnection}: frames come from
 * a {@link FrameReader} over the raw socket, binary frames go to a {@link BinaryIntake} listener
 * without a copy of their own. It drives the same {@link WsListener} calls as Helidon's
 * connection (open, text and binary parts with {@code last}, pong, close, error) and keeps the
 * message rules: continuations only inside a fragmented message, control frames between them,
 * text as strict UTF-8 (1007). Pings are answered here with a pong carrying the same payload and
 * are not passed on. A close is echoed; after the server's own close, data frames are dropped.
 * Sends may come from any thread: one lock orders whole frames.
 */
final class BulkWsConnection implements ServerConnection, WsSession {
    /**
     * Socket bytes are read into this window and unmasked out of it: one per connection, so it
     * is most of what an idle sharer's socket costs (IdleSharers: 37 KB a socket with 16 KiB, the
     * goal is 30 KB). 8 KiB is also what Helidon's own socket reads take at a time.
     */
    static final int WINDOW = 8 * 1024;
    private static final int NONE = -1;

    private final ConnectionContext ctx;
    private final WsListener listener;
    private final Headers upgradeHeaders;
    private final FrameReader reader;
    private final TextDecoder text = new TextDecoder();
    private final ReentrantLock sendLock = new ReentrantLock();
    private final Callable<Boolean> processFrame = this::processFrame;

    /** The kind of the fragmented message being received (TEXT or BINARY), or NONE. */
    private int receiving = NONE;
    /** Guarded by sendLock. */
    private boolean sendingContinuation;
    private volatile boolean closeSent;
    private volatile Thread myThread;
    private volatile boolean canRun = true;
    private volatile boolean readingNetwork;
    private volatile ZonedDateTime lastFrameTime = DateTime.timestamp();

    BulkWsConnection(ConnectionContext ctx, WsListener listener, Headers upgradeHeaders, long maxFrameLength) {
        this.ctx = ctx;
        this.listener = listener;
        this.upgradeHeaders = upgradeHeaders;
        byte[] window = new byte[WINDOW];
        this.reader = new FrameReader(source(ctx, window), window, maxFrameLength);
    }

    /**
     * Reads the socket straight into the window. Bytes Helidon's reader already holds (a client
     * may send right after its upgrade request) are taken first. Without a socket (a context
     * that does not expose one), reads through Helidon's reader: one more copy, same result.
     */
    private static FrameReader.Source source(ConnectionContext ctx, byte[] window) {
        DataReader buffered = ctx.dataReader();
        HelidonSocket socket;
        try {
            socket = ctx.serverSocket();
        } catch (UnsupportedOperationException e) {
            socket = null;
        }
        BufferData view = BufferData.create(window); // HelidonSocket.read fills it from index 0 after clear()
        HelidonSocket direct = socket;
        return into -> {
            if (direct == null || buffered.available() > 0) {
                buffered.ensureAvailable();
                int n = Math.min(into.length, buffered.available());
                buffered.readBuffer(n).read(into, 0, n);
                return n;
            }
            view.clear();
            return direct.read(view);
        };
    }

    @SuppressWarnings("removal")
    @Override
    public void handle(Semaphore requestSemaphore) {
        handle(FixedLimit.create(requestSemaphore));
    }

    @Override
    public void handle(Limit limit) {
        myThread = Thread.currentThread();
        try {
            limit.invoke(() -> listener.onOpen(this));
        } catch (LimitException e) {
            close(WsCloseCodes.TRY_AGAIN_LATER, "Too Many Concurrent Requests");
            return;
        } catch (Exception e) {
            close(WsCloseCodes.UNEXPECTED_CONDITION, String.valueOf(e.getMessage()));
            return;
        }
        while (canRun) {
            try {
                readingNetwork = true;
                reader.next();
                readingNetwork = false;
                lastFrameTime = DateTime.timestamp();
                if (!limit.invoke(processFrame)) {
                    return;
                }
            } catch (FrameException e) {
                close(e.closeCode(), e.getMessage());
                listener.onClose(this, e.closeCode(), e.getMessage());
                return;
            } catch (ConnectionLost | UncheckedIOException e) { // UncheckedIOException: a write to the socket failed
                // the peer vanished without a close frame: tell the listener now, not at its next failed send
                listener.onClose(this, WsCloseCodes.CLOSED_ABNORMALLY, "connection lost");
                return;
            } catch (LimitException e) {
                listener.onClose(this, WsCloseCodes.TRY_AGAIN_LATER, "Too Many Concurrent Requests");
                close(WsCloseCodes.TRY_AGAIN_LATER, "Too Many Concurrent Requests");
                return;
            } catch (CloseConnectionException e) {
                throw e;
            } catch (Exception e) {
                listener.onError(this, e);
                close(WsCloseCodes.UNEXPECTED_CONDITION, String.valueOf(e.getMessage()));
                return;
            } finally {
                readingNetwork = false;
            }
        }
        close(WsCloseCodes.NORMAL_CLOSE, "Idle timeout");
    }

    /** Handles the frame whose header was just read; false when the connection ends (a close). */
    private Boolean processFrame() throws FrameException {
        int opcode = reader.opcode();
        switch (opcode) {
            case FrameReader.CONTINUATION -> {
                if (receiving == NONE) {
                    throw new FrameException(WsCloseCodes.PROTOCOL_ERROR, "continuation frame outside a fragmented message");
                }
                int kind = receiving;
                if (reader.fin()) {
                    receiving = NONE;
                }
                deliver(kind);
            }
            case FrameReader.TEXT, FrameReader.BINARY -> {
                if (receiving != NONE) {
                    throw new FrameException(WsCloseCodes.PROTOCOL_ERROR, "new message before the fragmented one ended");
                }
                if (!reader.fin()) {
                    receiving = opcode;
                }
                deliver(opcode);
            }
            case FrameReader.CLOSE -> {
                closeReceived();
                return false;
            }
            case FrameReader.PING -> pong(BufferData.create(restOfPayload()));
            default -> listener.onPong(this, BufferData.create(restOfPayload()));
        }
        return true;
    }

    private void deliver(int kind) throws FrameException {
        if (closeSent) {
            return; // we closed: the rest of the client's data is dropped (the reader skips it)
        }
        boolean last = reader.fin();
        if (kind == FrameReader.TEXT) {
            do {
                String part = text.next(reader, last);
                boolean end = last && reader.available() == 0;
                if (!part.isEmpty() || end) {
                    listener.onMessage(this, part, end);
                }
            } while (reader.available() > 0 && !closeSent);
        } else if (listener instanceof BinaryIntake intake) {
            intake.onBinary(this, reader, last);
        } else {
            byte[] bytes = restOfPayload();
            listener.onMessage(this, BufferData.create(bytes), last);
        }
    }

    /** RFC 6455 §5.5.1: a close carries nothing, or a valid code and a UTF-8 reason; it is echoed. */
    private void closeReceived() throws FrameException {
        byte[] payload = restOfPayload();
        int code = WsCloseCodes.NORMAL_CLOSE;
        String reason = "normal";
        if (payload.length == 1) {
            throw new FrameException(WsCloseCodes.PROTOCOL_ERROR, "close frame with a one-byte payload");
        }
        if (payload.length >= 2) {
            code = ((payload[0] & 0xFF) << 8) | (payload[1] & 0xFF);
            if (!sendable(code)) {
                throw new FrameException(WsCloseCodes.PROTOCOL_ERROR, "invalid close code " + code);
            }
            reason = TextDecoder.strict(payload, 2, payload.length - 2);
        }
        listener.onClose(this, code, reason);
        close(code, "");
    }

    private static boolean sendable(int code) {
        return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014
                || code >= WsCloseCodes.REGISTERED_AT_IANA_MIN && code <= WsCloseCodes.APPLICATION_MAX;
    }

    /** The rest of the current frame's payload as a new array (for control frames, at most 125 bytes). */
    private byte[] restOfPayload() {
        byte[] bytes = new byte[reader.available()];
        reader.readFully(bytes, 0, bytes.length);
        return bytes;
    }

    @Override
    public WsSession send(String message, boolean last) {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        return sendData(FrameReader.TEXT, bytes, last);
    }

    @Override
    public WsSession send(BufferData data, boolean last) {
        return sendData(FrameReader.BINARY, data.readBytes(), last);
    }

    private WsSession sendData(int opcode, byte[] payload, boolean last) {
        sendLock.lock();
        try {
            write(sendingContinuation ? FrameReader.CONTINUATION : opcode, payload, payload.length, last);
            sendingContinuation = !last;
        } finally {
            sendLock.unlock();
        }
        return this;
    }

    @Override
    public WsSession ping(BufferData data) {
        return control(FrameReader.PING, data.readBytes());
    }

    @Override
    public WsSession pong(BufferData data) {
        return control(FrameReader.PONG, data.readBytes());
    }

    private WsSession control(int opcode, byte[] payload) {
        if (payload.length > 125) {
            throw new IllegalArgumentException("control frame payload over 125 bytes");
        }
        sendLock.lock();
        try {
            write(opcode, payload, payload.length, true);
        } finally {
            sendLock.unlock();
        }
        return this;
    }

    /** Sends one close frame per connection (a second close is a no-op); the reason is cut to fit 125 bytes. */
    @Override
    public WsSession close(int code, String reason) {
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        int length = Math.min(text.length, 123);
        while (length < text.length && length > 0 && (text[length] & 0xC0) == 0x80) {
            length--; // cut before a whole character
        }
        byte[] payload = new byte[2 + length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, length);
        sendLock.lock();
        try {
            if (closeSent) {
                return this;
            }
            closeSent = true;
            write(FrameReader.CLOSE, payload, payload.length, true);
        } catch (RuntimeException e) {
            // the socket is already gone: nothing to tell the peer
        } finally {
            sendLock.unlock();
        }
        return this;
    }

    /** One unmasked server frame (RFC 6455 §5.2) in one write. */
    private void write(int opcode, byte[] payload, int length, boolean fin) {
        int header = length < 126 ? 2 : length < 65536 ? 4 : 10;
        byte[] frame = new byte[header + length];
        frame[0] = (byte) ((fin ? 0x80 : 0) | opcode);
        if (header == 2) {
            frame[1] = (byte) length;
        } else if (header == 4) {
            frame[1] = 126;
            frame[2] = (byte) (length >>> 8);
            frame[3] = (byte) length;
        } else {
            frame[1] = 127;
            for (int i = 0; i < 8; i++) {
                frame[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
            }
        }
        System.arraycopy(payload, 0, frame, header, length);
        ctx.dataWriter().writeNow(BufferData.create(frame));
    }

    @Override
    public WsSession terminate() {
        close(WsCloseCodes.NORMAL_CLOSE, "Terminate");
        throw new CloseConnectionException("Terminate from WebSocket");
    }

    @Override
    public Optional<String> subProtocol() {
        return upgradeHeaders.first(WsUpgrader.PROTOCOL);
    }

    @Override
    public SocketContext socketContext() {
        return ctx;
    }

    @Override
    public Duration idleTime() {
        return Duration.between(lastFrameTime, DateTime.timestamp());
    }

    @Override
    public void close(boolean interrupt) {
        canRun = false;
        Thread thread = myThread;
        if (thread != null && (interrupt || readingNetwork)) {
            thread.interrupt();
        }
    }
}
