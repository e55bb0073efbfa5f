package app.dragnshare.server.transfer;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Turns a Redis chunk element into a {@code chunk} event, {@code event: chunk\nid: INDEX\ndata:
 * BASE64\n\n}, as two arrays the encoder keeps and reuses: the head (up to "data: ") and the body
 * (base64, then the blank line). Base64 runs in one pass of the JDK's array encoder (vectorised;
 * its stream encoder runs a byte loop at a fraction of the speed), which has no offsets: so the
 * ciphertext is copied once into an array of its exact size, and the head is a second array
 * rather than a copy of the body behind it. Nothing is allocated per chunk. Public so the
 * benchmarks measure this very code.
 */
public final class ChunkEventEncoder {
    private static final byte[] PREFIX = "event: chunk\nid: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);

    private final Base64.Encoder base64 = Base64.getEncoder();
    /** Prefix, up to 19 digits of index, "\ndata: ". */
    private final byte[] head = new byte[PREFIX.length + 19 + DATA.length];
    private int headLength;
    private byte[] ciphertext = new byte[0];
    private byte[] body = new byte[0];
    private int bodyLength;

    public ChunkEventEncoder() {
        System.arraycopy(PREFIX, 0, head, 0, PREFIX.length);
    }

    /** Encodes the event for {@code length} bytes of {@code bytes} from {@code offset}. */
    public void encode(long index, byte[] bytes, int offset, int length) {
        if (ciphertext.length != length) {
            // chunks of one size follow each other (all of a transfer's but its last): rarely taken
            ciphertext = new byte[length];
            body = new byte[4 * ((length + 2) / 3) + 2];
        }
        int at = writeDecimal(index, PREFIX.length);
        System.arraycopy(DATA, 0, head, at, DATA.length);
        headLength = at + DATA.length;
        System.arraycopy(bytes, offset, ciphertext, 0, length);
        int n = base64.encode(ciphertext, body);
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
