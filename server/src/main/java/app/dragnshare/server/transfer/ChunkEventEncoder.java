package app.dragnshare.server.transfer;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Turns a Redis chunk element into a {@code chunk} event, {@code event: chunk\nid: INDEX\ndata:
 * BASE64\n\n}, as two arrays the encoder keeps and reuses: the head (up to "data: ") and the body
 * (base64, then the blank line). Base64 runs through the JDK's array encoder in 12 KiB pieces:
 * its vectorised code is used only when the caller is C2-compiled, and one call per chunk left it
 * interpreted for the whole of a transfer (the scalar loop was 23 % of the server's CPU); 86 calls
 * per chunk get it compiled within the first chunks. The encoder has no offsets, so each piece is
 * copied into a small array and its output into the body: both copies stay in L1. The head is a
 * second array rather than a copy of the body behind it. Nothing is allocated per chunk. Public so
 * the benchmarks measure this very code.
 */
public final class ChunkEventEncoder {
    private static final byte[] PREFIX = "event: chunk\nid: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);

    private final Base64.Encoder base64 = Base64.getEncoder();
    /** Prefix, up to 19 digits of index, "\ndata: ". */
    private final byte[] head = new byte[PREFIX.length + 19 + DATA.length];
    private int headLength;
    /** A multiple of 3 bytes, so that the pieces' base64 joins without padding. */
    private static final int PIECE = 3 * 4096;

    private final byte[] piece = new byte[PIECE];
    private final byte[] pieceOut = new byte[PIECE / 3 * 4];
    /** The last piece of a chunk, of its exact size (the same for all of a transfer's chunks but its last). */
    private byte[] tail = new byte[0];
    private byte[] tailOut = new byte[0];
    private byte[] body = new byte[0];
    private int bodyLength;

    public ChunkEventEncoder() {
        System.arraycopy(PREFIX, 0, head, 0, PREFIX.length);
    }

    /** Encodes the event for {@code length} bytes of {@code bytes} from {@code offset}. */
    public void encode(long index, byte[] bytes, int offset, int length) {
        int tailLength = length % PIECE;
        if (tail.length != tailLength || body.length < 4 * ((length + 2) / 3) + 2) {
            // chunks of one size follow each other (all of a transfer's but its last): rarely taken
            tail = new byte[tailLength];
            tailOut = new byte[4 * ((tailLength + 2) / 3)];
            body = new byte[4 * ((length + 2) / 3) + 2];
        }
        int at = writeDecimal(index, PREFIX.length);
        System.arraycopy(DATA, 0, head, at, DATA.length);
        headLength = at + DATA.length;
        int n = 0;
        int end = offset + length - tailLength;
        for (int from = offset; from < end; from += PIECE) {
            System.arraycopy(bytes, from, piece, 0, PIECE);
            n += copy(base64.encode(piece, pieceOut), pieceOut, n);
        }
        System.arraycopy(bytes, end, tail, 0, tailLength);
        n += copy(base64.encode(tail, tailOut), tailOut, n);
        body[n++] = '\n';
        body[n++] = '\n';
        bodyLength = n;
    }

    public byte[] head() {
        return head;
    }

    public int headLength() {
        return headLength;
    }

    public byte[] body() {
        return body;
    }

    public int bodyLength() {
        return bodyLength;
    }

    private int copy(int count, byte[] from, int at) {
        System.arraycopy(from, 0, body, at, count);
        return count;
    }

    private int writeDecimal(long value, int at) {
        int digits = 1;
        for (long rest = value / 10; rest > 0; rest /= 10) {
            digits++;
        }
        for (int i = at + digits - 1; i >= at; i--) {
            head[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        return at + digits;
    }
}
