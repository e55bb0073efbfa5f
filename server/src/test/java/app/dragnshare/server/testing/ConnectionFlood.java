package app.dragnshare.server.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An attacker's connections, on loopback only: idle ones that never send a byte and slow ones
 * that send a request head one byte at a time. Spread over several loopback addresses
 * (127.0.0.2, 127.0.0.3, ...) so that per-address caps do not stop them all at once.
 */
public final class ConnectionFlood implements AutoCloseable {
    private static final byte[] SLOW_HEAD = ("GET /api/info HTTP/1.1\r\nHost: x\r\n" + "X-Padding: " + "a".repeat(200) + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    private final List<Socket> idle = new ArrayList<>();
    private final List<Socket> slow = new ArrayList<>();
    private final AtomicInteger failedConnects = new AtomicInteger();
    private volatile boolean closed;
    private Thread dribbler;

    /** Opens {@code idle} silent and {@code slow} dribbling connections to {@code port}, round-robin over {@code addresses}. */
    public static ConnectionFlood open(int port, int addresses, int idle, int slow, Duration byteEvery) {
        ConnectionFlood flood = new ConnectionFlood();
        for (int i = 0; i < idle + slow; i++) {
            Socket socket = connect(port, 2 + i % addresses, flood.failedConnects);
            if (socket != null) {
                (i < idle ? flood.idle : flood.slow).add(socket);
            }
        }
        flood.dribbler = Thread.ofVirtual().start(() -> flood.dribble(byteEvery));
        return flood;
    }

    private static Socket connect(int port, int lastOctet, AtomicInteger failures) {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) lastOctet}), 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2_000);
            return socket;
        } catch (IOException e) {
            failures.incrementAndGet(); // the accept queue is full: the kernel drops the handshake
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing to release
            }
            return null;
        }
    }

    private void dribble(Duration every) {
        int sent = 0;
        try {
            while (!closed) {
                Thread.sleep(every);
                byte b = SLOW_HEAD[Math.min(sent++, SLOW_HEAD.length - 1)];
                for (Socket socket : slow) {
                    try {
                        socket.getOutputStream().write(b);
                    } catch (IOException e) {
                        // the server closed it: what a defence should do
                    }
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    public int opened() {
        return idle.size() + slow.size();
    }

    public int failedConnects() {
        return failedConnects.get();
    }

    /** How many of the flood's connections the server has closed (end of stream or reset). */
    public int closedByServer() throws IOException {
        int count = 0;
        for (Socket socket : concat()) {
            if (closedByPeer(socket)) {
                count++;
            }
        }
        return count;
    }

    /** True if the peer has closed {@code socket}; waits at most 50 ms for an answer. */
    public static boolean closedByPeer(Socket socket) throws IOException {
        socket.setSoTimeout(50);
        try {
            InputStream in = socket.getInputStream();
            while (true) {
                int read = in.read();
                if (read < 0) {
                    return true;
                }
            }
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    private List<Socket> concat() {
        List<Socket> all = new ArrayList<>(idle);
        all.addAll(slow);
        return all;
    }

    @Override
    public void close() {
        closed = true;
        if (dribbler != null) {
            dribbler.interrupt();
        }
        for (Socket socket : concat()) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }
}
