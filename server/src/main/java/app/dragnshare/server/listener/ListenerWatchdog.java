package app.dragnshare.server.listener;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * Notices when the listener has stopped accepting connections while the process lives on (in
 * Helidon 4.2 a failed accept, e.g. "Too many open files", closes the server socket for good and
 * leaves its thread hanging, so the process would never exit and a supervisor never restart it).
 * Every {@code every} it connects to its own port: a refused connection, twice in a row, means
 * nobody listens any more. A probe that cannot even open a socket or times out (the accept queue
 * is full) proves nothing and is ignored. Then {@code onDeath} runs, once.
 */
public final class ListenerWatchdog implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ListenerWatchdog.class.getName());
    private static final int REFUSALS_FOR_DEATH = 2;

    private final InetAddress address;
    private final Duration every;
    private volatile InetSocketAddress target;
    private volatile Thread thread;
    private volatile boolean dead;
    private volatile boolean closed;
    private volatile Runnable onDeath = () -> { };

    public ListenerWatchdog(String host, Duration every) {
        this.address = probeAddress(host);
        this.every = every;
    }

    /** Starts watching the listener on {@code port}; {@code serverRunning} is the web server's own state. */
    public void start(int port, BooleanSupplier serverRunning) {
        this.target = new InetSocketAddress(address, port);
        // a platform thread: its blocking connect needs no virtual-thread poller, which itself needs descriptors
        this.thread = Thread.ofPlatform().daemon().name("listener-watchdog").start(() -> watch(serverRunning));
    }

    /** What to do once the listener is found dead (e.g. exit, so a supervisor restarts the server). */
    public void onDeath(Runnable action) {
        this.onDeath = action;
        if (dead) {
            action.run();
        }
    }

    /** True once the listener was found to accept no more connections. */
    public boolean dead() {
        return dead;
    }

    private void watch(BooleanSupplier serverRunning) {
        int refusals = 0;
        try {
            while (!closed) {
                Thread.sleep(every);
                refusals = accepts() ? 0 : refusals + 1;
                if (!closed && (refusals >= REFUSALS_FOR_DEATH || !serverRunning.getAsBoolean())) {
                    dead = true;
                    LOG.severe("the listener on " + target.getPort() + " accepts no more connections; this server instance "
                            + "cannot serve anyone until it is restarted");
                    onDeath.run();
                    return;
                }
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** False only when the connection was refused: nothing listens on the port. */
    private boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(target, 2_000);
            return true;
        } catch (ConnectException e) {
            return closed || e.getMessage() == null || !e.getMessage().contains("refused");
        } catch (IOException e) {
            return true; // out of descriptors ourselves, or a full accept queue: inconclusive
        }
    }

    private static InetAddress probeAddress(String host) {
        try {
            InetAddress bound = InetAddress.getByName(host);
            return bound.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bound;
        } catch (UnknownHostException e) {
            return InetAddress.getLoopbackAddress();
        }
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
