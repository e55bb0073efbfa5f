package app.dragnshare.server.http;

import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.helidon.common.buffers.DataReader;

/**
 * A client that closes its connection halfway through its request headers makes Helidon 4.2 log
 * "Internal server error" at WARNING with a stack trace: its header parser meets the end of the
 * stream, and nothing there maps that to a closed connection (the request line and the body are
 * handled). Any client can do this at will, so it would fill the log: this filter turns exactly
 * those records (the end of the client's stream is their cause) into one line at FINE.
 */
public final class AbortedRequests implements Filter {
    /** Held here: JUL keeps loggers only weakly, and a collected logger would forget its filter. */
    private static final Logger HELIDON_HTTP1 = Logger.getLogger("io.helidon.webserver.http1.Http1Connection");
    private static final Logger LOG = Logger.getLogger(AbortedRequests.class.getName());

    private AbortedRequests() {
    }

    /** Idempotent; every server instance of the process shares the one Helidon logger. */
    public static void quietHelidonsLog() {
        if (!(HELIDON_HTTP1.getFilter() instanceof AbortedRequests)) {
            HELIDON_HTTP1.setFilter(new AbortedRequests());
        }
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        if (!endOfClientStream(record.getThrown())) {
            return true;
        }
        LOG.fine("a client closed its connection in the middle of its request headers");
        return false;
    }

    private static boolean endOfClientStream(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof DataReader.InsufficientDataAvailableException) {
                return true;
            }
        }
        return false;
    }
}
