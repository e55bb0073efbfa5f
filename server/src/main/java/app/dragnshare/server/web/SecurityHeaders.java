package app.dragnshare.server.web;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Headers on every response: a Content-Security-Policy with no inline script and no third-party
 * origin (the page loads only its own modules), no referrer (an invite's path must not leak to
 * other sites), no MIME sniffing, no framing.
 */
public final class SecurityHeaders implements Filter {
    static final String CONTENT_SECURITY_POLICY = String.join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data: blob:",
            "connect-src 'self'",
            "worker-src 'self'",
            "manifest-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'");

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        apply(req, res);
        chain.proceed();
    }

    /** Also called by the error handlers: Helidon starts an error response with fresh headers. */
    public static void apply(ServerRequest req, ServerResponse res) {
        res.headers().set(HeaderNames.create("Content-Security-Policy"), CONTENT_SECURITY_POLICY);
        res.headers().set(HeaderNames.create("Referrer-Policy"), "no-referrer");
        res.headers().set(HeaderNames.create("X-Content-Type-Options"), "nosniff");
        res.headers().set(HeaderNames.create("X-Frame-Options"), "DENY");
        res.headers().set(HeaderNames.create("Cross-Origin-Opener-Policy"), "same-origin");
        res.headers().set(HeaderNames.create("Permissions-Policy"), "camera=(), microphone=(), geolocation=()");
        if (req.path().path().startsWith("/api/")) {
            res.headers().set(HeaderNames.CACHE_CONTROL, "no-store");
        }
    }
}
