package app.dragnshare.client.api;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a {@code text/event-stream} (the WHATWG "server-sent events" format) from a byte
 * stream. Works on bytes, in place: a line is found in the receive buffer with a search eight
 * bytes at a time and handed out as a range of that buffer, so a chunk's base64 {@code data:}
 * line is never copied or widened into a String. A line longer than {@code maxLine} is an
 * error, not a memory leak: the buffer grows with the longest event seen, to twice the limit at most.
 */
public final class EventStream implements Closeable {
    private static final int READ_SIZE = 64 * 1024;
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101_0101_0101_0101L;
    private static final long HIGHS = 0x8080_8080_8080_8080L;
    private static final long LFS = ONES * '\n';
    private static final long CRS = ONES * '\r';
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);

    private final InputStream in;
    private final int maxLine;
    private byte[] buffer = new byte[READ_SIZE];
    private int position;
    private int limit;
    private int lineStart;
    private int lineEnd;
    private boolean skipLf;
    private int dataStart = -1; // the data line of the event being read, still in the buffer; -1 if none
    private int dataEnd;
    private byte[] joined; // data of an event with several data lines (rare: control events only)
    private int chunkDataLength = -1; // the caller's word on the next chunk event's data length; -1 if none
    private volatile long lastActivity = System.nanoTime();

    public EventStream(InputStream in, int maxLine) {
        this.in = in;
        this.maxLine = maxLine;
    }

    /**
     * The next event, or null when the stream ended. Comments and events without data are
     * skipped. The event's data is a view of this stream's buffer, valid until the next call.
     */
    public ServerEvent next() throws IOException {
        String name = null;
        String id = null;
        dataStart = -1;
        int joinedLength = -1; // >= 0 once a second data line made the data a copy in `joined`
        while (readLine("chunk".equals(name) && dataStart < 0 ? chunkDataLength : -1)) {
            if (lineEnd == lineStart) {
                if (joinedLength >= 0) {
                    return new ServerEvent(name == null ? "message" : name, id, joined, 0, joinedLength);
                }
                if (dataStart >= 0) {
                    return new ServerEvent(name == null ? "message" : name, id, buffer, dataStart, dataEnd - dataStart);
                }
                name = null;
                continue;
            }
            if (buffer[lineStart] == ':') {
                continue; // comment (heartbeat)
            }
            int colon = indexOf((byte) ':');
            int fieldEnd = colon < 0 ? lineEnd : colon;
            int valueStart = colon < 0 ? lineEnd : colon + 1;
            if (valueStart < lineEnd && buffer[valueStart] == ' ') {
                valueStart++;
            }
            switch (field(fieldEnd)) {
                case "event" -> name = text(valueStart);
                case "id" -> id = text(valueStart);
                case "data" -> {
                    if (dataStart < 0 && joinedLength < 0) {
                        dataStart = valueStart; // the usual case: one data line, left where it lies
                        dataEnd = lineEnd;
                    } else {
                        if (joinedLength < 0) {
                            joined = Arrays.copyOfRange(buffer, dataStart, dataEnd);
                            joinedLength = joined.length;
                            dataStart = -1;
                        }
                        int length = lineEnd - valueStart;
                        if (joinedLength + 1 + length > maxLine) {
                            throw new IOException("the server sent an event longer than " + maxLine + " bytes");
                        }
                        if (joinedLength + 1 + length > joined.length) {
                            joined = Arrays.copyOf(joined, Math.max(joined.length * 2, joinedLength + 1 + length));
                        }
                        joined[joinedLength++] = '\n';
                        System.arraycopy(buffer, valueStart, joined, joinedLength, length);
                        joinedLength += length;
                    }
                }
                default -> { } // "retry" and unknown fields are ignored, as the format says
            }
        }
        return null;
    }

    /**
     * The next {@code chunk} event's data line should be {@code length} bytes (the receiver knows
     * each chunk's length from the offer): its end is then checked where it should be instead of
     * searched for through some 350 KB, the receiver's largest cost. A wrong word costs the search:
     * the line must end exactly there (a line break there, none just before it), or it is searched
     * as any other. What lies between is not searched, so the caller must validate the data: a
     * line break inside a base64 line fails its decoding (the basic decoder takes no line breaks).
     */
    public void expectChunkData(int length) {
        chunkDataLength = length;
    }

    /** When bytes last arrived (System.nanoTime), heartbeats included. */
    public long lastActivity() {
        return lastActivity;
    }

    private String field(int fieldEnd) {
        return new String(buffer, lineStart, fieldEnd - lineStart, StandardCharsets.UTF_8);
    }

    private String text(int from) {
        return new String(buffer, from, lineEnd - from, StandardCharsets.UTF_8);
    }

    /**
     * Finds the next line (ended by LF, CR or CRLF) in the buffer, reading more as needed, and
     * leaves it at {@code [lineStart, lineEnd)}; false at the end of the stream. Lines of the
     * current event stay where they are: bytes move only when the buffer's end is reached.
     */
    private boolean readLine(int dataLength) throws IOException {
        if (skipLf) {
            if (position == limit && !fill()) {
                return false;
            }
            skipLf = false;
            if (buffer[position] == '\n') {
                position++;
            }
        }
        lineStart = position;
        if (dataLength >= 0 && DATA.length + dataLength <= maxLine) {
            int end = expectedDataLineEnd(dataLength);
            if (end >= 0) {
                lineEnd = end;
                skipLf = buffer[end] == '\r';
                position = end + 1;
                return true;
            }
        }
        int scanned = position;
        while (true) {
            int end = lineEnd(scanned, limit);
            if (end >= 0) {
                if (end - lineStart > maxLine) {
                    throw new IOException("the server sent a line longer than " + maxLine + " bytes");
                }
                lineEnd = end;
                skipLf = buffer[end] == '\r';
                position = end + 1;
                return true;
            }
            if (limit - lineStart > maxLine) {
                throw new IOException("the server sent a line longer than " + maxLine + " bytes");
            }
            int scannedFromStart = limit - lineStart;
            if (!fill()) {
                return false; // a half line at the end is dropped, as the format says
            }
            scanned = lineStart + scannedFromStart;
        }
    }

    /**
     * The end of the line at {@code lineStart} if it is {@code data: } and {@code dataLength}
     * bytes, checked without a search; -1 otherwise (or at the end of the stream), and the caller
     * searches. Waits for bytes only while they may still make such a line.
     */
    private int expectedDataLineEnd(int dataLength) throws IOException {
        while (limit - lineStart < DATA.length) {
            if (!fill()) {
                return -1;
            }
        }
        if (!Arrays.equals(buffer, lineStart, lineStart + DATA.length, DATA, 0, DATA.length)) {
            return -1;
        }
        int end = lineStart + DATA.length + dataLength;
        while (limit <= end) {
            int before = lineStart;
            if (!fill()) {
                return -1;
            }
            end -= before - lineStart; // fill() may have moved the line to the buffer's start
        }
        return isLineBreak(buffer[end]) && !isLineBreak(buffer[end - 1]) ? end : -1;
    }

    /** Reads more bytes after {@code limit}, making room first if the buffer is full; false at the end of the stream. */
    private boolean fill() throws IOException {
        if (limit == buffer.length) {
            makeRoom();
        }
        int n = in.read(buffer, limit, buffer.length - limit);
        lastActivity = System.nanoTime();
        if (n <= 0) {
            return false;
        }
        limit += n;
        return true;
    }

    /**
     * Moves what is still needed (the current line, and the data line of the event being read)
     * to the buffer's start, in a larger buffer when it fills more than half of it: the buffer
     * settles at about twice the longest event, so bytes rarely move at all.
     */
    private void makeRoom() throws IOException {
        int from = dataStart >= 0 ? Math.min(dataStart, lineStart) : lineStart;
        int kept = limit - from;
        byte[] target = buffer;
        if (2 * kept > buffer.length) {
            int most = 2 * maxLine + READ_SIZE;
            if (buffer.length >= most) {
                throw new IOException("the server sent an event longer than " + maxLine + " bytes");
            }
            target = new byte[(int) Math.min(most, 2L * buffer.length)];
        }
        System.arraycopy(buffer, from, target, 0, kept);
        buffer = target;
        limit -= from;
        position -= from;
        lineStart -= from;
        if (dataStart >= 0) {
            dataStart -= from;
            dataEnd -= from;
        }
    }

    private static boolean isLineBreak(byte b) {
        return b == '\n' || b == '\r';
    }

    /** Index of the first LF or CR in {@code buffer[from, to)}, or -1; eight bytes per step. */
    private int lineEnd(int from, int to) {
        int i = from;
        for (; i + 8 <= to; i += 8) {
            long word = (long) LONG.get(buffer, i);
            long found = zeroBytes(word ^ LFS) | zeroBytes(word ^ CRS);
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (buffer[i] == '\n' || buffer[i] == '\r') {
                return i;
            }
        }
        return -1;
    }

    /** The high bit of every byte of {@code v} that is zero; exact up to the lowest such byte (enough here). */
    private static long zeroBytes(long v) {
        return (v - ONES) & ~v & HIGHS;
    }

    private int indexOf(byte b) {
        for (int i = lineStart; i < lineEnd; i++) {
            if (buffer[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /**
     * After the last event: reads on to the end of the stream, dropping at most {@code maxBytes}
     * (a server that sends on is not read for long); true if the stream ended, so its connection
     * may serve the next request. No event is read after this.
     */
    public boolean finish(int maxBytes) throws IOException {
        int read = 0;
        while (read <= maxBytes) {
            int n = in.read(buffer, 0, buffer.length);
            if (n < 0) {
                return true;
            }
            read += n;
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
