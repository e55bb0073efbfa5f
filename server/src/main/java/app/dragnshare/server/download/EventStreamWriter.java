package app.dragnshare.server.download;

import java.nio.charset.StandardCharsets;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerResponse;

/**
 * Writes a {@code text/event-stream} response. Written here rather than with Helidon's
 * {@code SseSink} because in Helidon 4.2 the sink fails on comment-only events (our heartbeats)
 * and builds every event in a growing buffer. Each event goes to the socket as soon as it is
 * written; a chunk event costs no allocation (see {@link ChunkEventEncoder}, lent by {@link ChunkEventEncoders}).
 */
final class EventStreamWriter implements AutoCloseable {
    private final EventStreamSink sink;
    private final ChunkEventEncoders encoders;

    /**
     * Sends the status and headers at once: the receiver knows its request was taken. A
     * {@code short} stream keeps its connection (HTTP chunks, see {@link EventStreamSink}); a long
     * one closes it at the end.
     */
    EventStreamWriter(ServerResponse res, ChunkEventEncoders encoders, boolean shortStream) {
        this.encoders = encoders;
        if (shortStream) {
            res.headers().set(HeaderValues.TRANSFER_ENCODING_CHUNKED);
        }
        res.headers().contentType(MediaTypes.TEXT_EVENT_STREAM);
        res.headers().set(HeaderNames.CACHE_CONTROL, "no-store");
        res.headers().set(HeaderNames.create("X-Accel-Buffering"), "no"); // nginx: pass events through unbuffered
        this.sink = res.sink(EventStreamSink.TYPE);
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
        ChunkEventEncoder encoder = encoders.borrow();
        try {
            encoder.encode(index, bytes, offset, length);
            sink.write(encoder.event(), encoder.eventLength());
        } finally {
            encoders.giveBack(encoder);
        }
    }

    private void write(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        sink.write(bytes, bytes.length);
    }

    /** Ends the response; called at once after the last event, so the client need not wait for the cleanup. */
    @Override
    public void close() {
        try {
            sink.close();
        } catch (RuntimeException e) {
            // the client is gone; nothing left to tell it
        }
    }

    /** Breaks the response off: the connection closes without the stream's proper end. */
    void abort() {
        try {
            sink.abort();
        } catch (RuntimeException e) {
            // closing a connection that is already gone
        }
    }
}
