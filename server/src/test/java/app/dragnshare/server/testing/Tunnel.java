package app.dragnshare.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * A TCP tunnel to a local server that a test can break: {@link #cut()} drops every connection
 * it carries (as a lost Wi-Fi or a restarted proxy would), {@link #stall()} makes them pass
 * nothing without closing them (a network gone silent: no FIN, no RST), {@link #refuse} closes
 * new ones at once, and a {@link Filter} may alter the server's bytes on their way to the client.
 */
public final class Tunnel implements AutoCloseable {
    /** Sees (and may change in place) each read of the server's bytes on one connection. */
    public interface Filter {
        Filter NONE = (bytes, length) -> {
        };

        void apply(byte[] bytes, int length);
    }

    private final ServerSocket listener;
    private final int serverPort;
    private final Supplier<Filter> filters;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Set<Socket> stalled = ConcurrentHashMap.newKeySet();
    private volatile boolean refusing;

    public Tunnel(int serverPort) {
        this(serverPort, () -> Filter.NONE);
    }

    /** {@code filters} makes one filter per connection. */
    public Tunnel(int serverPort, Supplier<Filter> filters) {
        this.serverPort = serverPort;
        this.filters = filters;
        try {
            this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread.ofVirtual().name("tunnel-accept").start(this::accept);
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Drops every connection the tunnel carries now. */
    public void cut() {
        for (Socket socket : open) {
            closeQuietly(socket);
        }
    }

    /** The connections it carries now pass no more bytes either way, and stay open (until {@link #cut()}); new ones work. */
    public void stall() {
        stalled.addAll(open);
    }

    /** While true, connections are closed as soon as they arrive. */
    public void refuse(boolean refuse) {
        refusing = refuse;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (refusing) {
                    closeQuietly(client);
                    continue;
                }
                Socket server = new Socket(InetAddress.getLoopbackAddress(), serverPort);
                open.add(client);
                open.add(server);
                Filter filter = filters.get();
                Thread.ofVirtual().start(() -> pipe(client, server, Filter.NONE));
                Thread.ofVirtual().start(() -> pipe(server, client, filter));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pipe(Socket from, Socket to, Filter filter) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                while (stalled.contains(from) && !from.isClosed()) {
                    Thread.sleep(20); // held: neither passed on nor read further, so the sender's buffers fill
                }
                filter.apply(buffer, n);
                out.write(buffer, 0, n);
            }
        } catch (IOException | InterruptedException e) {
            // one side closed; close the other
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
            stalled.remove(from);
            stalled.remove(to);
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        cut();
    }
}
