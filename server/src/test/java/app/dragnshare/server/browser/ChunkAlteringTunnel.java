package app.dragnshare.server.browser;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

import app.dragnshare.server.testing.ChunkAlterer;
import app.dragnshare.server.testing.Tunnel;

/**
 * A relay that alters a chunk in flight: a TCP tunnel to the server that, in the first download
 * event stream it carries, changes one base64 character of the first chunk event with id 2 or
 * more. Every length stays the same, so only the receiver's AES-GCM check can notice.
 */
final class ChunkAlteringTunnel implements AutoCloseable {
    private final AtomicBoolean altered = new AtomicBoolean();
    private final Tunnel tunnel;

    ChunkAlteringTunnel(int serverPort) {
        this.tunnel = new Tunnel(serverPort, () -> new ChunkAlterer(altered));
    }

    int port() {
        return tunnel.port();
    }

    boolean altered() {
        return altered.get();
    }

    @Override
    public void close() throws IOException {
        tunnel.close();
    }
}
