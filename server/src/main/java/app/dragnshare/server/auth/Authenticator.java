package app.dragnshare.server.auth;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;

import app.dragnshare.server.http.ApiException;

/** Finds the member behind a request's {@code Authorization: Bearer} token, or fails with 401/403. */
public record Authenticator(Tokens tokens) {

    public Member member(ServerRequest req, String sessionId) {
        String header = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiException.unauthorized("a member token is required (Authorization: Bearer <token>)");
        }
        try {
            return tokens.verify(header.substring(7).trim(), sessionId);
        } catch (AuthException e) {
            throw e.forbidden() ? ApiException.forbidden(e.getMessage()) : ApiException.unauthorized(e.getMessage());
        }
    }

    public Member host(ServerRequest req, String sessionId) {
        Member member = member(req, sessionId);
        if (!member.isHost()) {
            throw new ApiException(Status.FORBIDDEN_403, "host-only", "only the session's host can do this");
        }
        return member;
    }
}
