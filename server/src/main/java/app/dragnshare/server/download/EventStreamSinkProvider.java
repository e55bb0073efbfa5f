package app.dragnshare.server.download;

import java.util.function.BiConsumer;

import io.helidon.common.GenericType;
import io.helidon.common.buffers.BufferData;
import io.helidon.common.media.type.MediaType;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http.spi.Sink;
import io.helidon.webserver.http.spi.SinkProvider;
import io.helidon.webserver.http.spi.SinkProviderContext;

/**
 * Hands {@link EventStreamSink}s to {@code res.sink(EventStreamSink.TYPE)} (found by Helidon's
 * ServiceLoader, {@code META-INF/services}). Helidon's own SSE sink works the same way.
 */
public final class EventStreamSinkProvider implements SinkProvider<BufferData> {
    @Override
    public boolean supports(GenericType<? extends Sink<?>> type, ServerRequest request) {
        return EventStreamSink.TYPE.equals(type);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <X extends Sink<BufferData>> X create(SinkProviderContext context) {
        return (X) new EventStreamSink(context);
    }

    @Override
    @Deprecated(since = "4.1.2", forRemoval = true)
    public <X extends Sink<BufferData>> X create(ServerResponse response, BiConsumer<Object, MediaType> eventConsumer,
                                                 Runnable closeRunnable) {
        throw new UnsupportedOperationException("the event stream needs the connection's writer");
    }
}
