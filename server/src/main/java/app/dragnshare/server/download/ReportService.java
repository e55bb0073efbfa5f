package app.dragnshare.server.download;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import app.dragnshare.server.auth.Authenticator;
import app.dragnshare.server.auth.Member;
import app.dragnshare.server.http.ApiException;
import app.dragnshare.server.http.Bodies;
import app.dragnshare.server.http.Ids;
import app.dragnshare.server.relay.Failure;
import app.dragnshare.server.relay.Messages;
import app.dragnshare.server.relay.Relay;
import app.dragnshare.server.relay.TransferChannel;

/**
 * The receiver's reports on its transfer (PROTOCOL.md §5.6): how far it has verified, its
 * receipt, or that a check failed. Each goes to the sharer's side through the transfer's
 * {@code to-sender} list; only the receipt proves anything, and the sharer checks it itself.
 */
public final class ReportService implements HttpService {
    /** Reports of one transfer that may wait for the sharer's side; a receiver past it is flooding. */
    static final int MAX_WAITING_REPORTS = 64;
    private static final long MAX_CHUNKS = 0xFFFF_FFFFL;

    private final Authenticator auth;
    private final Relay relay;

    public ReportService(Authenticator auth, Relay relay) {
        this.auth = auth;
        this.relay = relay;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/{sessionId}/transfers/{transferId}/report", this::report);
    }

    private void report(ServerRequest req, ServerResponse res) {
        String sessionId = Ids.require(req.path().pathParameters().get("sessionId"), "session");
        String transferId = req.path().pathParameters().get("transferId");
        Member member = auth.member(req, sessionId);
        Bodies body = Bodies.of(req);
        long verified = body.wholeNumber("verified", 0, MAX_CHUNKS);
        String receipt = body.json().containsKey("receipt") ? body.base64Url("receipt", 32) : null;
        String failed = body.json().containsKey("failed") ? body.string("failed", 32) : null;
        if (failed != null && !failed.equals(Failure.TAMPERED.code())) {
            throw ApiException.badRequest("\"failed\" must be \"tampered\"");
        }
        if (receipt != null && failed != null) {
            throw ApiException.badRequest("a report carries a receipt or a failure, not both");
        }
        // an unknown, ended or someone else's transfer all look alike: ids cannot be probed
        TransferChannel channel = Ids.isValid(transferId) ? relay.channel(transferId) : null;
        if (channel == null || !(sessionId + "/" + member.memberId()).equals(channel.receiver())) {
            throw ApiException.notFound("transfer-not-found", "no such transfer of yours is running or awaiting its receipt");
        }
        if (!channel.report(Messages.report(verified, receipt, failed), MAX_WAITING_REPORTS)) {
            throw new ApiException(Status.TOO_MANY_REQUESTS_429, "rate-limited",
                    MAX_WAITING_REPORTS + " reports of this transfer are still waiting for the sharer; send fewer");
        }
        res.status(Status.NO_CONTENT_204).send();
    }
}
