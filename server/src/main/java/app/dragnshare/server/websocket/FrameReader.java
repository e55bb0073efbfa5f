package app.dragnshare.server.websocket;

import java.io.UncheckedIOException;

import io.helidon.common.buffers.DataReader;
import io.helidon.websocket.WsCloseCodes;

/**
 * Reads a client's WebSocket frames (RFC 6455 §5.2) from a window the socket is read into, and
 * hands out each frame's payload unmasked, in bulk, straight into the caller's array
 * ({@link Payload}): one copy from the socket buffer, eight bytes at a time ({@link Masking}),
 * nothing allocated per frame. Frames of any length cost the same per byte.
 *
 * <p>Why not Helidon's reader: in Helidon 4.2.0 (unchanged up to 4.5.3) {@code WsConnection}
 * always unmasks, and {@code ClientWsFrame.unmask} writes one byte at a time, each
 * {@code data.read()} going through {@code CompositeListBufferData.read()}, which walks the list
 * of 8 KiB socket pieces from its start: cost grows with the square of the frame size. JFR of
 * the server moving 1 GiB: 46 % {@code ReadOnlyArrayData.read} + 13 % {@code ClientWsFrame.unmask},
 * all on the one thread reading that sharer's socket, and 8.8 GB allocated per GiB moved. JMH
 * ({@code WebSocketIntakeBenchmark}, one 1 MiB chunk into its Redis element, 2026-11-30, 2 shared
 * cores at load 7): Helidon 153 MB/s in 2 KiB frames down to 18 MB/s as 1 MiB frames, allocating
 * 3.2 MB per chunk; this reader 6,200 - 12,400 MB/s at every frame size, allocating nothing
 * beyond the element (benchmarks/README.md).
 *
 * <p>Checks every frame header: RSV bits (no extension is negotiated), reserved opcodes,
 * unmasked frames, fragmented or long control frames ({@link WsCloseCodes#PROTOCOL_ERROR}), and
 * frames over the configured length ({@link WsCloseCodes#TOO_BIG}). Message-level rules
 * (continuations, UTF-8) are the connection's.
 */
public final class FrameReader implements Payload {
    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    /**
     * Where bytes come from: fills {@code window} from index 0 and says how many, or -1 at the end
     * of the stream (Helidon's InsufficientDataAvailableException and UncheckedIOException mean the same).
     */
    @FunctionalInterface
    public interface Source {
        int fill(byte[] window);
    }

    private final Source source;
    private final byte[] window;
    private final long maxFrameLength;
    private int position;
    private int limit;

    private boolean fin;
    private int opcode;
    private int key;
    private long length;
    private long consumed;

    public FrameReader(Source source, byte[] window, long maxFrameLength) {
        this.source = source;
        this.window = window;
        this.maxFrameLength = maxFrameLength;
    }

    /**
     * Reads the next frame's header (skipping what the caller left of the previous payload) and
     * returns its opcode; blocks until it arrives.
     *
     * @throws FrameException the header breaks the protocol or the length limit
     * @throws ConnectionLost the peer closed the connection
     */
    public int next() throws FrameException {
        skip(available());
        int first = nextByte();
        int second = nextByte();
        fin = (first & 0x80) != 0;
        opcode = first & 0x0F;
        if ((first & 0x70) != 0) {
            throw new FrameException(WsCloseCodes.PROTOCOL_ERROR, "RSV bits set, but no extension was negotiated");
        }
        if (opcode > BINARY && opcode < CLOSE || opcode > PONG) {
            throw new FrameException(WsCloseCodes.PROTOCOL_ERROR, "reserved opcode " + opcode);
        }
        if ((second & 0x80) == 0) {
            throw new FrameException(WsCloseCodes.PROTOCOL_ERROR, "client frames must be masked");
        }
        long declared = second & 0x7F;
        if (declared == 126) {
            declared = (nextByte() << 8) | nextByte();
        } else if (declared == 127) {
            declared = 0;
            for (int i = 0; i < 8; i++) {
                declared = (declared << 8) | nextByte();
            }
            if (declared < 0) {
                throw new FrameException(WsCloseCodes.PROTOCOL_ERROR, "frame length has its most significant bit set");
            }
        }
        if (opcode >= CLOSE && (!fin || declared > 125)) {
            throw new FrameException(WsCloseCodes.PROTOCOL_ERROR, "control frames must be whole and at most 125 bytes");
        }
        if (declared > maxFrameLength) {
            throw new FrameException(WsCloseCodes.TOO_BIG, "frame longer than " + maxFrameLength + " bytes");
        }
        key = (nextByte() << 24) | (nextByte() << 16) | (nextByte() << 8) | nextByte();
        length = declared;
        consumed = 0;
        return opcode;
    }

    /** The FIN bit of the current frame: true on the last frame of a message. */
    public boolean fin() {
        return fin;
    }

    public int opcode() {
        return opcode;
    }

    /** Payload bytes of the current frame not read yet. */
    @Override
    public int available() {
        return (int) (length - consumed);
    }

    @Override
    public int read(byte[] to, int offset, int count) {
        int n = Math.min(count, available());
        if (n == 0) {
            return 0;
        }
        if (position == limit) {
            refill();
        }
        n = Math.min(n, limit - position);
        Masking.unmaskCopy(window, position, to, offset, n, key, consumed);
        position += n;
        consumed += n;
        return n;
    }

    /** Reads exactly {@code count} bytes of the current payload (there must be that many). */
    public void readFully(byte[] to, int offset, int count) {
        while (count > 0) {
            int n = read(to, offset, count);
            offset += n;
            count -= n;
        }
    }

    @Override
    public void skip(int count) {
        count = Math.min(count, available());
        while (count > 0) {
            if (position == limit) {
                refill();
            }
            int n = Math.min(count, limit - position);
            position += n;
            consumed += n;
            count -= n;
        }
    }

    private int nextByte() {
        if (position == limit) {
            refill();
        }
        return window[position++] & 0xFF;
    }

    private void refill() {
        int n;
        try {
            do {
                n = source.fill(window);
            } while (n == 0);
        } catch (DataReader.InsufficientDataAvailableException | UncheckedIOException e) {
            throw new ConnectionLost("the connection failed", e);
        }
        if (n < 0) {
            throw new ConnectionLost("the client closed the connection", null);
        }
        position = 0;
        limit = n;
    }
}
