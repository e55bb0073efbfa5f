package app.dragnshare.server.download;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Turns a Redis chunk element into a {@code chunk} event, {@code event: chunk\nid: INDEX\ndata:
 * BASE64\n\n}, in one array the encoder keeps and reuses, so the event is one socket write (with
 * TCP_NODELAY a separate head is a segment of its own, read on its own by the receiver). The JDK's
 * array encoder (vectorised) has no offsets, so the ciphertext goes through it in 12 KiB pieces:
 * each copied into a small array and its base64 copied behind the head; both copies stay in L1.
 * Nothing is allocated per chunk. Public so the benchmarks measure this very code.
 */
public final class ChunkEventEncoder {
    private static final byte[] PREFIX = "event: chunk\nid: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    /** Prefix, up to 19 digits of index, "\ndata: ". */
    private static final int HEAD_MAX = PREFIX.length + 19 + DATA.length;
    /** A multiple of 3 bytes, so that the pieces' base64 joins without padding. */
    private static final int PIECE = 3 * 4096;

    private final Base64.Encoder base64 = Base64.getEncoder();
    private final byte[] piece = new byte[PIECE];
    private final byte[] pieceOut = new byte[PIECE / 3 * 4];
    /** The last piece of a chunk, of its exact size (the same for all of a transfer's chunks but its last). */
    private byte[] tail = new byte[0];
    private byte[] tailOut = new byte[0];
    private byte[] event = new byte[HEAD_MAX + 2];
    private int eventLength;

    public ChunkEventEncoder() {
        System.arraycopy(PREFIX, 0, event, 0, PREFIX.length);
    }

    /** Encodes the event for {@code length} bytes of {@code bytes} from {@code offset}. */
    public void encode(long index, byte[] bytes, int offset, int length) {
        int tailLength = length % PIECE;
        int needed = HEAD_MAX + 4 * ((length + 2) / 3) + 2;
        if (tail.length != tailLength || event.length < needed) {
            // chunks of one size follow each other (all of a transfer's but its last): rarely taken
            tail = new byte[tailLength];
            tailOut = new byte[4 * ((tailLength + 2) / 3)];
            if (event.length < needed) {
                event = new byte[needed];
                System.arraycopy(PREFIX, 0, event, 0, PREFIX.length);
            }
        }
        int n = writeDecimal(index, PREFIX.length);
        System.arraycopy(DATA, 0, event, n, DATA.length);
        n += DATA.length;
        int end = offset + length - tailLength;
        for (int from = offset; from < end; from += PIECE) {
            System.arraycopy(bytes, from, piece, 0, PIECE);
            n += copy(base64.encode(piece, pieceOut), pieceOut, n);
        }
        System.arraycopy(bytes, end, tail, 0, tailLength);
        n += copy(base64.encode(tail, tailOut), tailOut, n);
        event[n++] = '\n';
        event[n++] = '\n';
        eventLength = n;
    }

    /** The whole event, head, base64 and blank line: the first {@link #eventLength()} bytes. */
    public byte[] event() {
        return event;
    }

    public int eventLength() {
        return eventLength;
    }

    private int copy(int count, byte[] from, int at) {
        System.arraycopy(from, 0, event, at, count);
        return count;
    }

    private int writeDecimal(long value, int at) {
        int digits = 1;
        for (long rest = value / 10; rest > 0; rest /= 10) {
            digits++;
        }
        for (int i = at + digits - 1; i >= at; i--) {
            event[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return at + digits;
    }
}
