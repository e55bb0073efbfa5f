package app.dragnshare.benchmarks.harness;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.LockSupport;

/**
 * A long link on loopback: a TCP proxy that holds every byte for a fixed time in each direction
 * before passing it on, as a wire with that one-way delay would (this VM's kernel has no
 * {@code netem}). Built not to be the bottleneck itself: per direction, a reader thread stamps
 * each read (up to 1 MiB, into a pooled direct buffer: no copy in Java) with its arrival time and
 * queues it, and a writer thread sends each piece when it is due, so reading never waits for the
 * delay. Up to 256 reads may be held per direction (256 MiB, more than 5 GB/s at 50 ms); beyond
 * that the reader waits, as a full pipe would. Checked against a plain copy through it:
 * {@code EndToEnd --sharer-delay} prints the baseline both through it and without it.
 * <p>
 * With no delay it is a plain forwarding proxy that can drop its connections ({@link #cut}):
 * then it holds one read of at most 256 KiB per direction, like a proxy without a queue of its
 * own (nginx with {@code proxy_buffering off}, as {@code server/deploy/nginx.conf} has it, holds
 * its {@code proxy_buffer_size}, 4 – 8 KiB), so a cut loses about what a real one would, not a
 * read-ahead of up to 256 MiB.
 */
public final class DelayProxy implements AutoCloseable {
    private static final int READ_SIZE = 1 << 20;
    private static final int MAX_HELD = 256;
    private static final int FORWARD_READ_SIZE = 256 << 10;
    /** Reads shorter than this are copied out, so a trickle of small messages does not hold 1 MiB buffers. */
    private static final int SMALL = 64 << 10;

    private final ServerSocketChannel listener;
    private final InetSocketAddress target;
    private final long delayNanos;
    private final int readSize;
    private final int maxHeld;
    private final Set<SocketChannel> channels = ConcurrentHashMap.newKeySet();

    private DelayProxy(ServerSocketChannel listener, InetSocketAddress target, Duration delay) {
        this.listener = listener;
        this.target = target;
        this.delayNanos = delay.toNanos();
        this.readSize = delay.isZero() ? FORWARD_READ_SIZE : READ_SIZE;
        this.maxHeld = delay.isZero() ? 1 : MAX_HELD;
    }

    /** Listens on a free loopback port; each connection to it is forwarded to {@code target}, {@code oneWay} late each way. */
    public static DelayProxy start(InetSocketAddress target, Duration oneWay) throws IOException {
        ServerSocketChannel listener = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        DelayProxy proxy = new DelayProxy(listener, target, oneWay);
        Thread.ofPlatform().daemon().name("delay-proxy-accept").start(proxy::accept);
        return proxy;
    }

    public int port() {
        try {
            return ((InetSocketAddress) listener.getLocalAddress()).getPort();
        } catch (IOException e) {
            throw new IllegalStateException("the proxy is closed", e);
        }
    }

    private void accept() {
        while (listener.isOpen()) {
            try {
                SocketChannel client = listener.accept();
                SocketChannel server = SocketChannel.open(target);
                for (SocketChannel c : new SocketChannel[] {client, server}) {
                    c.setOption(StandardSocketOptions.TCP_NODELAY, true); // the delay is ours to add; Nagle would add its own
                    channels.add(c);
                }
                new Direction(client, server, "up").start();
                new Direction(server, client, "down").start();
            } catch (IOException e) {
                // closed, or the target refused one connection: the client sees its socket close
            }
        }
    }

    /** Drops every connection it carries now, as a lost link would; new ones are still taken. */
    public void cut() throws IOException {
        for (SocketChannel c : channels) {
            c.close();
        }
        channels.clear();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        for (SocketChannel c : channels) {
            c.close();
        }
    }

    /** Bytes read at {@code due - delay}, to be written at {@code due}; no bytes marks the end. */
    private record Piece(ByteBuffer bytes, long due) {
    }

    /** One direction of one connection: a reader that never waits for the delay, a writer that does. */
    private final class Direction {
        private final SocketChannel from;
        private final SocketChannel to;
        private final String name;
        private final LinkedBlockingQueue<Piece> queue = new LinkedBlockingQueue<>();
        private final ConcurrentLinkedQueue<ByteBuffer> pool = new ConcurrentLinkedQueue<>();
        private final Semaphore room = new Semaphore(maxHeld);

        Direction(SocketChannel from, SocketChannel to, String name) {
            this.from = from;
            this.to = to;
            this.name = name;
        }

        void start() {
            Thread.ofPlatform().daemon().name("delay-proxy-read-" + name).start(this::read);
            Thread.ofPlatform().daemon().name("delay-proxy-write-" + name).start(this::write);
        }

        private void read() {
            try {
                while (true) {
                    room.acquire();
                    ByteBuffer buffer = pool.poll();
                    if (buffer == null) {
                        buffer = ByteBuffer.allocateDirect(readSize);
                    }
                    buffer.clear();
                    int n = from.read(buffer);
                    long due = System.nanoTime() + delayNanos;
                    if (n < 0) {
                        queue.add(new Piece(null, due));
                        return;
                    }
                    buffer.flip();
                    if (n < SMALL) {
                        ByteBuffer small = ByteBuffer.allocate(n).put(buffer).flip();
                        pool.add(buffer);
                        buffer = small;
                    }
                    queue.add(new Piece(buffer, due));
                }
            } catch (IOException | InterruptedException e) {
                queue.add(new Piece(null, System.nanoTime() + delayNanos));
            }
        }

        private void write() {
            try {
                while (true) {
                    Piece piece = queue.take();
                    for (long wait; (wait = piece.due() - System.nanoTime()) > 0; ) {
                        LockSupport.parkNanos(wait);
                    }
                    if (piece.bytes() == null) {
                        to.shutdownOutput(); // the end arrives as late as the bytes before it
                        return;
                    }
                    while (piece.bytes().hasRemaining()) {
                        to.write(piece.bytes());
                    }
                    if (piece.bytes().isDirect()) {
                        pool.add(piece.bytes());
                    }
                    room.release();
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
