package app.dragnshare.server.http;

import java.util.List;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

/**
 * The address rate limits count by. Behind a trusted reverse proxy that is the last
 * X-Forwarded-For entry (the one the proxy itself added); otherwise the socket's peer.
 */
public record ClientAddress(boolean trustForwardedFor) {

    public String of(ServerRequest req) {
        if (trustForwardedFor && req.headers().contains(HeaderNames.X_FORWARDED_FOR)) {
            List<String> values = req.headers().get(HeaderNames.X_FORWARDED_FOR).allValues(true);
            if (!values.isEmpty()) {
                String last = values.getLast().trim();
                if (!last.isEmpty() && last.length() <= 64) {
                    return last;
                }
            }
        }
        return req.remotePeer().host();
    }
}
