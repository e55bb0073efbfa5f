package app.dragnshare.server.websocket;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.NotFoundException;
import io.helidon.http.RequestException;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.websocket.WsConfig;
import io.helidon.webserver.websocket.WsRoute;
import io.helidon.webserver.websocket.WsRouting;
import io.helidon.webserver.websocket.WsUpgrader;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsUpgradeException;

/**
 * Upgrades HTTP/1.1 requests for the server's {@link WsRouting} routes to a
 * {@link BulkWsConnection} instead of Helidon's {@code WsConnection} (whose frame reader unmasks
 * byte by byte; see {@link FrameReader}). The handshake is Helidon's: same checks (key, version
 * 13, route, origins), same {@link WsListener#onHttpUpgrade} hook, same 101 response.
 */
public final class BulkWsUpgrader extends WsUpgrader {
    private final long maxFrameLength;

    private BulkWsUpgrader(WsConfig config) {
        super(config);
        this.maxFrameLength = config.maxFrameLength();
    }

    /** The upgrader for an HTTP/1.1 connection selector ({@code Http1ConnectionSelector.builder().addUpgrader}). */
    public static BulkWsUpgrader create(WsConfig config) {
        return new BulkWsUpgrader(config);
    }

    @Override
    public ServerConnection upgrade(ConnectionContext ctx, HttpPrologue prologue, WritableHeaders<?> headers) {
        if (!headers.contains(WS_KEY)) {
            return null;
        }
        String wsKey = headers.get(WS_KEY).get();
        String version = headers.contains(WS_VERSION) ? headers.get(WS_VERSION).get() : SUPPORTED_VERSION;
        if (!SUPPORTED_VERSION.equals(version)) {
            throw RequestException.builder()
                    .type(DirectHandler.EventType.BAD_REQUEST)
                    .message("Unsupported WebSocket Version")
                    .header(SUPPORTED_VERSION_HEADER)
                    .build();
        }
        WsRoute route;
        try {
            route = ctx.router().routing(WsRouting.class, WsRouting.empty()).findRoute(prologue);
        } catch (NotFoundException e) {
            return null;
        }
        if (!anyOrigin() && headers.contains(HeaderNames.ORIGIN)
                && !origins().contains(headers.get(HeaderNames.ORIGIN).get())) {
            throw RequestException.builder()
                    .message("Invalid Origin")
                    .type(DirectHandler.EventType.FORBIDDEN)
                    .build();
        }
        WsListener listener = route.listener();
        Optional<Headers> upgradeHeaders;
        try {
            upgradeHeaders = listener.onHttpUpgrade(prologue, headers);
        } catch (WsUpgradeException e) {
            return null;
        }
        BufferData response = BufferData.growing(256);
        response.write((SWITCHING_PROTOCOL_PREFIX + hash(ctx, wsKey) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        upgradeHeaders.ifPresent(extra -> extra.forEach(h -> h.writeHttp1Header(response)));
        response.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        ctx.dataWriter().write(response);
        return new BulkWsConnection(ctx, listener, upgradeHeaders.orElseGet(WritableHeaders::create), maxFrameLength);
    }
}
