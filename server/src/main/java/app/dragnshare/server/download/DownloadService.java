package app.dragnshare.server.download;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import jakarta.json.JsonNumber;
import jakarta.json.JsonValue;


import app.dragnshare.server.auth.Authenticator;
import app.dragnshare.server.auth.Member;
import app.dragnshare.server.http.ApiException;
import app.dragnshare.server.http.Bodies;
import app.dragnshare.server.http.Ids;
import app.dragnshare.server.metrics.ServerMetrics;
import app.dragnshare.server.session.FileRecord;
import app.dragnshare.server.session.Inbox;
import app.dragnshare.server.session.Presence;
import app.dragnshare.server.session.SessionStore;
import app.dragnshare.server.relay.Failure;
import app.dragnshare.server.relay.LivenessMarks;
import app.dragnshare.server.relay.Messages;
import app.dragnshare.server.relay.PacedDownloads;
import app.dragnshare.server.relay.Relay;
import app.dragnshare.server.relay.RelayTap;
import app.dragnshare.server.relay.TransferChannel;
import app.dragnshare.server.relay.TransferSettings;

/**
 * Starts a download: checks the request, drops it into the owner's inbox and answers with a
 * server-sent-event stream that carries the offer, the encrypted chunks and the end.
 */
public final class DownloadService implements HttpService {
    /**
     * Streams of files up to this size keep their connection (see {@link EventStreamSink}); a
     * larger file's stream closes it, as a connection costs nothing next to its bytes.
     */
    static final long KEEP_ALIVE_MAX_BYTES = 4L << 20;

    private final Authenticator auth;
    private final SessionStore store;
    private final Presence presence;
    private final Inbox inbox;
    private final Relay relay;
    private final RelayTap tap;
    private final TransferSettings settings;
    private final ActiveDownloads active;
    private final ServerMetrics metrics;
    private final LivenessMarks marks;
    private final ChunkEventEncoders encoders = ChunkEventEncoders.forThisMachine();

    public DownloadService(Authenticator auth, SessionStore store, Presence presence, Inbox inbox, Relay relay,
                           RelayTap tap, TransferSettings settings, ActiveDownloads active, ServerMetrics metrics,
                           LivenessMarks marks) {
        this.auth = auth;
        this.store = store;
        this.presence = presence;
        this.inbox = inbox;
        this.relay = relay;
        this.tap = tap;
        this.settings = settings;
        this.active = active;
        this.metrics = metrics;
        this.marks = marks;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/{sessionId}/files/{fileId}/transfers", this::download);
    }

    private void download(ServerRequest req, ServerResponse res) {
        String sessionId = Ids.require(req.path().pathParameters().get("sessionId"), "session");
        String fileId = Ids.require(req.path().pathParameters().get("fileId"), "file");
        Member member = auth.member(req, sessionId);
        Bodies body = Bodies.of(req);
        String transferId = body.base64Url("transferId", 16);
        String publicKey = body.base64Url("publicKey", 65);
        String hmac = body.base64Url("hmac", 32);
        long start = body.json().containsKey("start") ? wholeStart(body) : 0;
        boolean paced = paced(body);
        if (!req.headers().isAccepted(MediaTypes.TEXT_EVENT_STREAM)) {
            throw new ApiException(Status.NOT_ACCEPTABLE_406, "accept-event-stream",
                    "this endpoint answers with a stream: send Accept: text/event-stream");
        }
        if (!active.accepting()) {
            throw new ApiException(Status.SERVICE_UNAVAILABLE_503, "shutting-down", Failure.SHUTTING_DOWN.message());
        }
        if (!active.tryAdmit(settings.maxTransfersPerInstance())) {
            // each running download holds a connection of the transfer pool: past the limit, refuse (Retry-After) rather than queue
            throw new ApiException(Status.SERVICE_UNAVAILABLE_503, Failure.SERVER_BUSY.code(), Failure.SERVER_BUSY.message());
        }
        try {
            // a short stream keeps its connection for the receiver's next file (HTTP/1.1 chunks;
            // Helidon refuses HTTP/1.0 with 505)
            boolean keepsConnection = !req.headers().contains(HeaderValues.CONNECTION_CLOSE);
            admitted(res, sessionId, fileId, member, transferId, publicKey, hmac, start, paced, keepsConnection);
        } finally {
            active.leave();
        }
    }

    private void admitted(ServerResponse res, String sessionId, String fileId, Member member, String transferId,
                          String publicKey, String hmac, long start, boolean paced, boolean mayKeepConnection) {
        FileRecord file = store.file(sessionId, fileId)
                .orElseThrow(() -> ApiException.notFound("file-not-found", "no such file in this session"));
        boolean keepsConnection = mayKeepConnection && file.size() <= KEEP_ALIVE_MAX_BYTES;
        // the sharer picks the chunk size; no allowed one gives more chunks than the smallest
        long mostChunks = TransferSettings.chunkCount(file.size(), TransferSettings.MIN_CHUNK_SIZE);
        if (start >= mostChunks) {
            throw badStart("\"start\" is beyond the end of this file: it must be below " + mostChunks
                    + " (the file has " + file.size() + " bytes)");
        }
        if (!presence.isOnline(sessionId, file.ownerId())) {
            throw ApiException.conflict(Failure.OWNER_OFFLINE.code(), Failure.OWNER_OFFLINE.message());
        }
        TransferChannel channel = relay.channel(transferId);
        if (!channel.claim(sessionId + "/" + member.memberId())) {
            throw ApiException.conflict("transfer-exists", "this transferId is in use; make a new random one");
        }
        boolean queued;
        try {
            store.touch(sessionId);
            queued = inbox.pushRequest(sessionId, file.ownerId(),
                    tap.request(Messages.request(transferId, fileId, member.memberId(), publicKey, hmac, start)));
        } catch (RuntimeException e) {
            freeQuietly(channel);
            throw e;
        }
        if (!queued) {
            channel.closeReceiverSide(false); // nothing was queued: free the transferId
            throw new ApiException(Status.SERVICE_UNAVAILABLE_503, "sharer-busy", "the file's owner already has "
                    + inbox.maxRequests() + " downloads waiting; try again in a minute");
        }

        PacedDownloads.Acks acks = paced ? relay.paced().open(transferId, sessionId + "/" + member.memberId(), start) : null;
        DownloadStream stream = new DownloadStream(channel, file, start, acks,
                () -> presence.isOnline(sessionId, file.ownerId()), settings, metrics, marks);
        active.add(stream);
        try (EventStreamWriter events = new EventStreamWriter(res, encoders, keepsConnection)) {
            try {
                stream.run(events);
            } catch (RuntimeException | Error e) {
                events.abort(); // a stream cut short must not end like a whole one
                throw e;
            }
        } finally {
            active.remove(stream);
            if (acks != null) {
                relay.paced().close(transferId, acks);
            }
        }
    }

    /** Frees a claimed transferId after a failure (Redis may be the failure: then its keys expire by TTL). */
    private static void freeQuietly(TransferChannel channel) {
        try {
            channel.closeReceiverSide(false);
        } catch (RuntimeException e) {
            // the keys expire by their TTL
        }
    }

    /** {@code "pace"}: true when the receiver acknowledges each chunk it verified (PROTOCOL.md §7); false if absent. */
    private static boolean paced(Bodies body) {
        JsonValue pace = body.json().get("pace");
        if (pace == null || pace.getValueType() == JsonValue.ValueType.FALSE) {
            return false;
        }
        if (pace.getValueType() == JsonValue.ValueType.TRUE) {
            return true;
        }
        throw ApiException.badRequest("\"pace\" must be true or false");
    }

    /** The first chunk a resumed download asks for (PROTOCOL.md §4.8): a whole number, at least 0. */
    private static long wholeStart(Bodies body) {
        if (!(body.json().get("start") instanceof JsonNumber n) || !n.isIntegral()) {
            throw badStart("\"start\" must be a whole number: the first chunk wanted, 0 for the whole file");
        }
        try {
            long start = n.longValueExact();
            if (start >= 0) {
                return start;
            }
        } catch (ArithmeticException e) {
            // beyond any file: said below
        }
        throw badStart("\"start\" must be a chunk index of the file, from 0");
    }

    private static ApiException badStart(String message) {
        return new ApiException(Status.BAD_REQUEST_400, "bad-start", message);
    }
}
