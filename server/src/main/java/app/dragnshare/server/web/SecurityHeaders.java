package app.dragnshare.server.web;

import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
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
        // absolute: inside a service mounted at /api/sessions, path() is relative to the mount
        apply(res.headers(), req.path().absolute().path().startsWith("/api/"));
    }

    /** Sets the headers; API answers (and Helidon's own refusals) must not be cached: they carry tokens or errors. */
    public static void apply(ServerResponseHeaders headers, boolean noStore) {
        headers.set(HeaderNames.create("Content-Security-Policy"), CONTENT_SECURITY_POLICY);
        headers.set(HeaderNames.create("Referrer-Policy"), "no-referrer");
        headers.set(HeaderNames.create("X-Content-Type-Options"), "nosniff");
        headers.set(HeaderNames.create("X-Frame-Options"), "DENY");
        headers.set(HeaderNames.create("Cross-Origin-Opener-Policy"), "same-origin");
        headers.set(HeaderNames.create("Permissions-Policy"), "camera=(), microphone=(), geolocation=()");
        if (noStore) {
            headers.set(HeaderNames.CACHE_CONTROL, "no-store");
        }
    }
}
