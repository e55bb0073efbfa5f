package app.dragnshare.server.transfer;

import java.io.OutputStream;
import java.lang.reflect.Proxy;

import io.helidon.http.ServerResponseHeaders;
import io.helidon.webserver.http.ServerResponse;

/**
 * The server's own {@link EventStreamWriter}, writing into any OutputStream instead of a live
 * HTTP response, so a benchmark can measure exactly the code that turns a Redis element into a
 * {@code chunk} event (base64 included). It lives in the server's package because the writer is
 * package-private; it changes nothing in the server. The response stand-in answers only the two
 * calls the writer makes (headers, outputStream).
 */
public final class SseChunkEncoder {
    private final EventStreamWriter writer;

    public SseChunkEncoder(OutputStream out) {
        ServerResponseHeaders headers = ServerResponseHeaders.create();
        ServerResponse response = (ServerResponse) Proxy.newProxyInstance(ServerResponse.class.getClassLoader(),
                new Class<?>[] {ServerResponse.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "headers" -> headers;
                    case "outputStream" -> out;
                    default -> throw new UnsupportedOperationException("EventStreamWriter now calls " + method.getName()
                            + "; teach SseChunkEncoder to answer it");
                });
        this.writer = new EventStreamWriter(response);
    }

    /** Writes one chunk event: id = index, data = base64 of {@code length} bytes of {@code element} from {@code offset}. */
    public void chunk(long index, byte[] element, int offset, int length) {
        writer.chunk(index, element, offset, length);
    }
}
