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
 * status and headers at once, then each buffer to the socket as it is, no chunked encoding. The
 * response ends by closing the connection ({@code Connection: close}, RFC 9112 §6.3). Through
 * {@code res.outputStream()} every write would instead be copied twice into a fresh array for its
 * HTTP chunk (Helidon 4.2 {@code Http1ServerResponse.BlockingOutputStream.writeChunked}).
 */
final class EventStreamSink implements Sink<BufferData> {
    static final GenericType<EventStreamSink> TYPE = GenericType.create(EventStreamSink.class);
    private static final byte[] OK_200 = "HTTP/1.1 200 OK\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATE = "Date: ".getBytes(StandardCharsets.US_ASCII);

    private final ConnectionContext connection;
    private final DataWriter writer;
    private final Runnable closeRunnable;

    EventStreamSink(SinkProviderContext context) {
        this.connection = context.connectionContext();
        this.writer = connection.dataWriter();
        this.closeRunnable = context.closeRunnable();
        var headers = context.serverResponse().headers();
        headers.set(HeaderValues.CONNECTION_CLOSE);
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
        writer.writeNow(data);
        return this;
    }

    /** Writes {@code length} bytes of {@code bytes} from index 0 as they are (Helidon's array buffers want offset 0). */
    void write(byte[] bytes, int length) {
        writer.writeNow(BufferData.create(bytes, 0, length));
    }

    @Override
    public void close() {
        closeRunnable.run();
        connection.serverSocket().close();
    }
}
