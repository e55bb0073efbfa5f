package app.dragnshare.client.api;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a {@code text/event-stream} (the WHATWG "server-sent events" format) from a byte
 * stream. Works on bytes, so a large base64 {@code data:} line is never widened into a String;
 * a line longer than {@code maxLine} is an error, not a memory leak.
 */
public final class EventStream implements Closeable {
    private final InputStream in;
    private final int maxLine;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private byte[] line = new byte[8 * 1024];
    private int lineLength;
    private boolean skipLf;
    private volatile long lastActivity = System.nanoTime();

    public EventStream(InputStream in, int maxLine) {
        this.in = in;
        this.maxLine = maxLine;
    }

    /** The next event, or null when the stream ended. Comments and events without data are skipped. */
    public ServerEvent next() throws IOException {
        String name = null;
        String id = null;
        ByteArrayOutputStream data = null;
        byte[] singleData = null;
        while (readLine()) {
            if (lineLength == 0) {
                if (singleData != null || data != null) {
                    byte[] bytes = data != null ? data.toByteArray() : singleData;
                    return new ServerEvent(name == null ? "message" : name, id, bytes);
                }
                name = null;
                continue;
            }
            if (line[0] == ':') {
                continue; // comment (heartbeat)
            }
            int colon = indexOf(line, lineLength, (byte) ':');
            int fieldEnd = colon < 0 ? lineLength : colon;
            int valueStart = colon < 0 ? lineLength : colon + 1;
            if (valueStart < lineLength && line[valueStart] == ' ') {
                valueStart++;
            }
            String field = new String(line, 0, fieldEnd, StandardCharsets.UTF_8);
            switch (field) {
                case "event" -> name = text(valueStart);
                case "id" -> id = text(valueStart);
                case "data" -> {
                    byte[] value = Arrays.copyOfRange(line, valueStart, lineLength);
                    if (singleData == null && data == null) {
                        singleData = value;
                    } else {
                        if (data == null) {
                            data = new ByteArrayOutputStream();
                            data.writeBytes(singleData);
                        }
                        data.write('\n');
                        data.writeBytes(value);
                    }
                }
                default -> { } // "retry" and unknown fields are ignored, as the format says
            }
        }
        return null;
    }

    /** When bytes last arrived (System.nanoTime), heartbeats included. */
    public long lastActivity() {
        return lastActivity;
    }

    private String text(int from) {
        return new String(line, from, lineLength - from, StandardCharsets.UTF_8);
    }

    /** Reads one line (ended by LF, CR or CRLF) into {@code line}; false at the end of the stream. */
    private boolean readLine() throws IOException {
        lineLength = 0;
        while (true) {
            if (position == limit) {
                limit = in.read(buffer, 0, buffer.length);
                position = 0;
                lastActivity = System.nanoTime();
                if (limit <= 0) {
                    limit = 0;
                    return false; // a half line at the end is dropped, as the format says
                }
            }
            if (skipLf) {
                skipLf = false;
                if (buffer[position] == '\n') {
                    position++;
                    continue;
                }
            }
            int start = position;
            while (position < limit && buffer[position] != '\n' && buffer[position] != '\r') {
                position++;
            }
            append(start, position - start);
            if (position < limit) {
                skipLf = buffer[position] == '\r';
                position++;
                return true;
            }
        }
    }

    private void append(int from, int length) throws IOException {
        if (lineLength + length > maxLine) {
            throw new IOException("the server sent a line longer than " + maxLine + " bytes");
        }
        if (lineLength + length > line.length) {
            line = Arrays.copyOf(line, Math.min(maxLine, Math.max(line.length * 2, lineLength + length)));
        }
        System.arraycopy(buffer, from, line, lineLength, length);
        lineLength += length;
    }

    private static int indexOf(byte[] bytes, int length, byte b) {
        for (int i = 0; i < length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
