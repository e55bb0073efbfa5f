package app.dragnshare.server.download;

import java.nio.charset.StandardCharsets;

import io.helidon.common.GenericType;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;
import io.helidon.http.DateTime;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.spi.Sink;
import io.helidon.webserver.http.spi.SinkProviderContext;

/**
 * A download's response written straight to the connection, as Helidon's own SSE sink does: the
 * status and headers at once, then each buffer to the socket as it is. A long stream has no
 * chunked encoding and ends by closing the connection ({@code Connection: close}, RFC 9112 §6.3):
 * through {@code res.outputStream()} every write would instead be copied twice into a fresh array
 * for its HTTP chunk (Helidon 4.2 {@code Http1ServerResponse.BlockingOutputStream.writeChunked}).
 * A short stream (the response's headers already say {@code Transfer-Encoding: chunked}, see
 * {@link EventStreamWriter}) is sent as HTTP chunks, one copy of each event, and keeps its
 * connection for the receiver's next request: a tree of small files is then not a new connection
 * (and over TLS a new handshake) per file.
 */
final class EventStreamSink implements Sink<BufferData> {
    static final GenericType<EventStreamSink> TYPE = GenericType.create(EventStreamSink.class);
    private static final byte[] OK_200 = "HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATE = "Date: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ConnectionContext connection;
    private final DataWriter writer;
    private final Runnable closeRunnable;
    private final boolean chunked;
    private boolean ended;

    EventStreamSink(SinkProviderContext context) {
        this.connection = context.connectionContext();
        this.writer = connection.dataWriter();
        this.closeRunnable = context.closeRunnable();
        var headers = context.serverResponse().headers();
        chunked = headers.contains(HeaderValues.TRANSFER_ENCODING_CHUNKED);
        if (!chunked) {
            headers.set(HeaderValues.CONNECTION_CLOSE);
        }
        headers.remove(HeaderNames.CONTENT_LENGTH);
        BufferData heading = BufferData.growing(512);
        heading.write(OK_200);
        if (!headers.contains(HeaderNames.DATE)) {
            heading.write(DATE);
            heading.write(DateTime.http1Bytes());
        }
        for (Header header : headers) {
            header.writeHttp1Header(heading);
        }
        heading.write('\r');
        heading.write('\n');
        writer.writeNow(heading);
    }

    @Override
    public EventStreamSink emit(BufferData data) {
        if (chunked) {
            byte[] bytes = new byte[data.available()];
            data.read(bytes);
            write(bytes, bytes.length);
        } else {
            writer.writeNow(data);
        }
        return this;
    }

    /** Writes {@code length} bytes of {@code bytes} from index 0 (Helidon's array buffers want offset 0). */
    void write(byte[] bytes, int length) {
        if (!chunked) {
            writer.writeNow(BufferData.create(bytes, 0, length));
            return;
        }
        if (length == 0) {
            return; // an empty HTTP chunk would end the response
        }
        byte[] size = (Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] framed = new byte[size.length + length + 2]; // one write per event: the stream is short
        System.arraycopy(size, 0, framed, 0, size.length);
        System.arraycopy(bytes, 0, framed, size.length, length);
        framed[framed.length - 2] = '\r';
        framed[framed.length - 1] = '\n';
        writer.writeNow(BufferData.create(framed));
    }

    /**
     * Ends the response (once; later calls do nothing): a long stream by closing the connection, a
     * chunked one with its last (empty) chunk, leaving the connection to Helidon for the next
     * request; if that write fails the connection is closed, so it is never reused half-written.
     * Helidon hears the response sent either way (else it would log a route that sent nothing and
     * try to answer 500 on the dead connection).
     */
    @Override
    public void close() {
        if (ended) {
            return;
        }
        ended = true;
        try {
            if (chunked) {
                writer.writeNow(BufferData.create(LAST_CHUNK));
            } else {
                connection.serverSocket().close();
            }
        } catch (RuntimeException e) {
            connection.serverSocket().close();
            throw e;
        } finally {
            closeRunnable.run();
        }
    }

    /**
     * Ends a response that broke off (the stream failed unexpectedly, or its write was aborted):
     * closes the connection without a last chunk, so no client takes the cut stream for a whole one.
     */
    void abort() {
        try {
            connection.serverSocket().close();
        } finally {
            if (!ended) {
                ended = true;
                closeRunnable.run();
            }
        }
    }
}
