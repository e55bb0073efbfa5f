package app.dragnshare.server.listener;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Optional;

/**
 * Why a port cannot be listened on, in one line and in the operating system's words: Helidon
 * only logs a failed bind as a stack trace and hands back a server that is not running.
 */
public final class PortCheck {
    private PortCheck() {
    }

    /** Empty if {@code host:port} can be bound now; otherwise a sentence that names the port and what to do. */
    public static Optional<String> problem(String host, int port) {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(host, port));
            return Optional.empty();
        } catch (IOException e) {
            return Optional.of("cannot listen on port " + port + " (" + host + ":" + port + "): " + e.getMessage()
                    + ". Another program may be using it: stop it or set PORT to a free port.");
        }
    }
}
