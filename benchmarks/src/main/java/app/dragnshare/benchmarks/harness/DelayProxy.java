package app.dragnshare.benchmarks.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;

/**
 * A long link on loopback: a TCP proxy that holds every byte for a fixed time in each direction
 * before passing it on, as a wire with that one-way delay would (this VM's kernel has no
 * {@code netem}). Built not to be the bottleneck itself: per direction, a reader thread stamps
 * each read (up to 1 MiB) with its arrival time and queues it, and a writer thread sends each
 * piece when it is due, so reading never waits for the delay. Up to 256 MiB may be held per
 * direction (more than 5 GB/s at 50 ms); beyond that the reader waits, as a full pipe would.
 * Checked against a plain copy through it: {@code EndToEnd --sharer-delay} prints the baseline both
 * through it and without it.
 */
public final class DelayProxy implements AutoCloseable {
    private static final int READ_SIZE = 1 << 20;
    private static final int MAX_HELD = 256 << 20;

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final long delayNanos;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();

    private DelayProxy(ServerSocket listener, InetSocketAddress target, Duration delay) {
        this.listener = listener;
        this.target = target;
        this.delayNanos = delay.toNanos();
    }

    /** Listens on a free loopback port; each connection to it is forwarded to {@code target}, {@code oneWay} late each way. */
    public static DelayProxy start(InetSocketAddress target, Duration oneWay) throws IOException {
        DelayProxy proxy = new DelayProxy(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), target, oneWay);
        Thread.ofPlatform().daemon().name("delay-proxy-accept").start(proxy::accept);
        return proxy;
    }

    public int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(target, 10_000);
                for (Socket s : new Socket[] {client, server}) {
                    s.setTcpNoDelay(true); // the delay is ours to add; Nagle would add its own
                    sockets.add(s);
                }
                new Direction(client, server, "up").start();
                new Direction(server, client, "down").start();
            } catch (IOException e) {
                // closed, or the target refused one connection: the client sees its socket close
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
    }

    /** Bytes read at {@code due - delay}, to be written at {@code due}; {@code length < 0} marks the end. */
    private record Piece(byte[] bytes, int length, long due) {
    }

    /** One direction of one connection: a reader that never waits for the delay, a writer that does. */
    private final class Direction {
        private final Socket from;
        private final Socket to;
        private final String name;
        private final LinkedBlockingQueue<Piece> queue = new LinkedBlockingQueue<>();
        private final Semaphore room = new Semaphore(MAX_HELD);

        Direction(Socket from, Socket to, String name) {
            this.from = from;
            this.to = to;
            this.name = name;
        }

        void start() {
            Thread.ofPlatform().daemon().name("delay-proxy-read-" + name).start(this::read);
            Thread.ofPlatform().daemon().name("delay-proxy-write-" + name).start(this::write);
        }

        private void read() {
            byte[] buffer = new byte[READ_SIZE];
            try {
                InputStream in = from.getInputStream(); // not closed here: that would close the socket's other direction too
                while (true) {
                    room.acquire(READ_SIZE);
                    int n = in.read(buffer);
                    long due = System.nanoTime() + delayNanos;
                    room.release(READ_SIZE - Math.max(n, 0));
                    queue.add(new Piece(n < 0 ? null : Arrays.copyOf(buffer, n), n, due));
                    if (n < 0) {
                        return;
                    }
                }
            } catch (IOException | InterruptedException e) {
                queue.add(new Piece(null, -1, System.nanoTime() + delayNanos));
            }
        }

        private void write() {
            try {
                OutputStream out = to.getOutputStream();
                while (true) {
                    Piece piece = queue.take();
                    for (long wait; (wait = piece.due() - System.nanoTime()) > 0; ) {
                        LockSupport.parkNanos(wait);
                    }
                    if (piece.length() < 0) {
                        to.shutdownOutput(); // the end arrives as late as the bytes before it
                        return;
                    }
                    out.write(piece.bytes(), 0, piece.length());
                    room.release(piece.length());
                }
            } catch (IOException | InterruptedException e) {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // both are going anyway
                }
            }
        }
    }
}
