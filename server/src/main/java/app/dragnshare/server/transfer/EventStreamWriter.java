package app.dragnshare.server.transfer;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;

/**
 * Writes a {@code text/event-stream} response. Written here rather than with Helidon's
 * {@code SseSink} for two reasons: in Helidon 4.2 the sink fails on comment-only events (our
 * heartbeats), and it copies every event into a growing buffer, where a chunk's base64 can be
 * encoded straight into the response instead. Every event is flushed at once.
 */
final class EventStreamWriter implements AutoCloseable {
    private static final byte[] CHUNK_PREFIX = "event: chunk\nid: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA = "\ndata: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

    private final OutputStream out;
    private final OutputStream unclosable;

    EventStreamWriter(ServerResponse res) {
        res.headers().contentType(MediaTypes.TEXT_EVENT_STREAM);
        res.headers().set(HeaderNames.CACHE_CONTROL, "no-store");
        res.headers().set(HeaderNames.create("X-Accel-Buffering"), "no"); // nginx: pass events through unbuffered
        this.out = res.outputStream();
        this.unclosable = new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() {
                // the base64 wrapper closes this; the response goes on
            }
        };
    }

    /** A comment line: ignored by clients, keeps proxies and watchdogs from calling the stream dead. */
    void comment(String text) {
        write(": " + text + "\n\n");
    }

    /** A named event with one line of data (JSON here, which has no raw newlines). */
    void event(String name, String data) {
        write("event: " + name + "\ndata: " + data + "\n\n");
    }

    /** A chunk event: id = index, data = base64 of {@code length} bytes of {@code bytes} from {@code offset}. */
    void chunk(long index, byte[] bytes, int offset, int length) {
        try {
            out.write(CHUNK_PREFIX);
            out.write(Long.toString(index).getBytes(StandardCharsets.US_ASCII));
            out.write(DATA);
            try (OutputStream base64 = Base64.getEncoder().wrap(unclosable)) {
                base64.write(bytes, offset, length);
            }
            out.write(END);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void write(String text) {
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException | RuntimeException e) {
            // the client is gone; nothing left to tell it
        }
    }
}
