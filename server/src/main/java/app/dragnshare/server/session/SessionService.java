package app.dragnshare.server.session;

import static app.dragnshare.server.http.JsonBuilders.JSON;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import jakarta.json.JsonArrayBuilder;

import app.dragnshare.server.auth.Authenticator;
import app.dragnshare.server.auth.Member;
import app.dragnshare.server.auth.Role;
import app.dragnshare.server.auth.Tokens;
import app.dragnshare.server.config.ServerConfig;
import app.dragnshare.server.http.ApiException;
import app.dragnshare.server.http.Bodies;
import app.dragnshare.server.http.ClientAddress;
import app.dragnshare.server.http.Ids;
import app.dragnshare.server.metrics.ServerMetrics;

/**
 * REST for sessions, their members and their files' metadata. File contents never pass here.
 */
public final class SessionService implements HttpService {
    private final SessionStore store;
    private final Presence presence;
    private final Inbox inbox;
    private final Tokens tokens;
    private final Authenticator auth;
    private final RateLimits rateLimits;
    private final ClientAddress clientAddress;
    private final ServerConfig config;
    private final ServerMetrics metrics;
    private final FriendlyNames friendlyNames = new FriendlyNames();
    private final JoinCodes joinCodes = new JoinCodes();

    public SessionService(SessionStore store, Presence presence, Inbox inbox, Tokens tokens, RateLimits rateLimits,
                          ServerConfig config, ServerMetrics metrics) {
        this.store = store;
        this.presence = presence;
        this.inbox = inbox;
        this.tokens = tokens;
        this.auth = new Authenticator(tokens);
        this.rateLimits = rateLimits;
        this.clientAddress = new ClientAddress(config.trustForwardedFor());
        this.config = config;
        this.metrics = metrics;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/", this::create)
                .get("/{sessionId}", this::get)
                .patch("/{sessionId}", this::rename)
                .delete("/{sessionId}", this::delete)
                .post("/{sessionId}/join", this::join)
                .post("/{sessionId}/join-code", this::rotateJoinCode)
                .get("/{sessionId}/files", this::listFiles)
                .post("/{sessionId}/files", this::addFile)
                .delete("/{sessionId}/files/{fileId}", this::removeFile);
    }

    private void create(ServerRequest req, ServerResponse res) {
        String name = req.content().hasEntity()
                ? Bodies.of(req).optionalString("name", 1024, "")
                : "";
        name = name.isBlank() ? friendlyNames.next() : Names.sessionName(name); // none given: a friendly random one
        rateLimits.countSessionCreation(clientAddress.of(req));
        long now = store.now();
        SessionRecord session = new SessionRecord(Ids.random(), name,
                joinCodes.next(), Ids.random(), now);
        MemberRecord host = new MemberRecord(session.hostId(), friendlyNames.next(), Role.HOST, now);
        store.create(session, host);
        metrics.sessionCreated();
        Member member = new Member(session.id(), host.id(), Role.HOST);
        res.status(Status.CREATED_201).send(JSON.createObjectBuilder()
                .add("sessionId", session.id())
                .add("name", session.name())
                .add("joinCode", session.joinCode())
                .add("memberId", host.id())
                .add("memberName", host.name())
                .add("role", Role.HOST.wireName())
                .add("token", tokens.issue(member))
                .build());
    }

    private void join(ServerRequest req, ServerResponse res) {
        String sessionId = Ids.require(req.path().pathParameters().get("sessionId"), "session");
        String code = Bodies.of(req).string("joinCode", 64);
        String address = clientAddress.of(req);
        rateLimits.checkJoin(sessionId, address);
        SessionRecord session = store.find(sessionId).orElse(null);
        if (session == null || !JoinCodes.matches(session.joinCode(), code.toUpperCase(java.util.Locale.ROOT))) {
            // every failure counts alike, so an address learns which of its guesses exist only as often as
            // the limits allow; a 128-bit session id cannot be guessed anyway, and the code stays secret
            rateLimits.countFailedJoin(sessionId, address);
            if (session != null) {
                throw new ApiException(Status.FORBIDDEN_403, "invalid-invite", "the join code in this invite is wrong: "
                        + "the link may be mistyped or cut short (check it with the sender), or the host made a new "
                        + "link, which stops old ones");
            }
            if (store.wasEnded(sessionId)) {
                throw hostEnded();
            }
            throw ApiException.notFound("session-not-found", "there is no such session: it expired (a session ends "
                    + inWords(config.sessionIdleTtl()) + " after its last activity), or the link is mistyped; "
                    + "ask the sender for a new link");
        }
        MemberRecord guest = new MemberRecord(Ids.random(), friendlyNames.next(), Role.GUEST, store.now());
        switch (store.addMember(sessionId, guest, config.maxMembersPerSession())) {
            case FULL -> throw ApiException.conflict("session-full",
                    "this session already has " + config.maxMembersPerSession() + " members");
            case NO_SESSION -> throw ended(sessionId);
            case ADDED -> { }
        }
        store.touch(sessionId);
        metrics.memberJoined();
        inbox.pushEvent(sessionId, store.members(sessionId), SessionEvents.MEMBERS_CHANGED);
        res.status(Status.CREATED_201).send(JSON.createObjectBuilder()
                .add("sessionId", sessionId)
                .add("name", session.name())
                .add("memberId", guest.id())
                .add("memberName", guest.name())
                .add("role", Role.GUEST.wireName())
                .add("token", tokens.issue(new Member(sessionId, guest.id(), Role.GUEST)))
                .build());
    }

    private void get(ServerRequest req, ServerResponse res) {
        String sessionId = Ids.require(req.path().pathParameters().get("sessionId"), "session");
        Member member = auth.member(req, sessionId);
        SessionRecord session = existing(sessionId);
        store.touch(sessionId);
        List<MemberRecord> members = store.members(sessionId);
        Map<String, Boolean> online = members.stream()
                .collect(Collectors.toMap(MemberRecord::id, m -> presence.isOnline(sessionId, m.id())));
        JsonArrayBuilder memberArray = JSON.createArrayBuilder();
        for (MemberRecord m : members) {
            memberArray.add(JSON.createObjectBuilder(m.toJson()).add("online", online.get(m.id())));
        }
        var body = JSON.createObjectBuilder()
                .add("sessionId", sessionId)
                .add("name", session.name())
                .add("you", JSON.createObjectBuilder().add("id", member.memberId()).add("role", member.role().wireName()))
                .add("members", memberArray)
                .add("files", filesJson(sessionId, members, online))
                .add("limits", JSON.createObjectBuilder()
                        .add("maxFileSize", config.maxFileSize())
                        .add("maxFiles", config.maxFilesPerSession())
                        .add("maxFilesPerRequest", NewFiles.MAX_PER_REQUEST)
                        .add("maxPathLength", FilePaths.maxPathLength(config.maxNameLength()))
                        .add("maxRequestBytes", config.maxRequestBytes())
                        .add("maxChunkSize", config.maxChunkSize()));
        if (member.isHost()) {
            body.add("joinCode", session.joinCode());
        }
        res.send(body.build());
    }

    private void rename(ServerRequest req, ServerResponse res) {
        String sessionId = Ids.require(req.path().pathParameters().get("sessionId"), "session");
        auth.host(req, sessionId);
        String name = Names.sessionName(Bodies.of(req).string("name", 1024));
        if (!store.update(sessionId, "name", name)) {
            throw ended(sessionId);
        }
        inbox.pushEvent(sessionId, store.members(sessionId), SessionEvents.SESSION_CHANGED);
        res.send(JSON.createObjectBuilder().add("sessionId", sessionId).add("name", name).build());
    }

    private void rotateJoinCode(ServerRequest req, ServerResponse res) {
        String sessionId = Ids.require(req.path().pathParameters().get("sessionId"), "session");
        auth.host(req, sessionId);
        String code = joinCodes.next();
        if (!store.update(sessionId, "joinCode", code)) {
            throw ended(sessionId);
        }
        store.touch(sessionId);
        res.send(JSON.createObjectBuilder().add("sessionId", sessionId).add("joinCode", code).build());
    }

    private void delete(ServerRequest req, ServerResponse res) {
        String sessionId = Ids.require(req.path().pathParameters().get("sessionId"), "session");
        auth.host(req, sessionId);
        existing(sessionId);
        List<MemberRecord> members = store.delete(sessionId);
        inbox.pushEvent(sessionId, members, SessionEvents.ENDED);
        res.status(Status.NO_CONTENT_204).send();
    }

    private void listFiles(ServerRequest req, ServerResponse res) {
        String sessionId = Ids.require(req.path().pathParameters().get("sessionId"), "session");
        auth.member(req, sessionId);
        existing(sessionId);
        store.touch(sessionId);
        List<MemberRecord> members = store.members(sessionId);
        Map<String, Boolean> online = members.stream()
                .collect(Collectors.toMap(MemberRecord::id, m -> presence.isOnline(sessionId, m.id())));
        res.send(JSON.createObjectBuilder().add("files", filesJson(sessionId, members, online)).build());
    }

    /** One file ({name, size, type}) or many ({"files": [...]}, a tree in one request): all are listed, or none. */
    private void addFile(ServerRequest req, ServerResponse res) {
        String sessionId = Ids.require(req.path().pathParameters().get("sessionId"), "session");
        Member member = auth.member(req, sessionId);
        Bodies body = Bodies.of(req);
        List<FileRecord> added = NewFiles.read(body, member.memberId(), store.now(), config);
        switch (store.addFiles(sessionId, added, config.maxFilesPerSession())) {
            case FULL -> throw ApiException.conflict("too-many-files", "this session lists at most "
                    + config.maxFilesPerSession() + " files" + (added.size() == 1 ? "" : ", and these " + added.size()
                    + " would pass that") + "; remove some first");
            case NO_SESSION -> throw ended(sessionId);
            case ADDED -> { }
        }
        store.touch(sessionId);
        List<MemberRecord> members = store.members(sessionId);
        inbox.pushEvent(sessionId, members, SessionEvents.FILES_CHANGED);
        String ownerName = members.stream().filter(m -> m.id().equals(member.memberId())).map(MemberRecord::name)
                .findFirst().orElse("");
        boolean online = presence.isOnline(sessionId, member.memberId());
        JsonArrayBuilder files = JSON.createArrayBuilder();
        for (FileRecord file : added) {
            files.add(JSON.createObjectBuilder(file.toJson()) // the same shape as in the list
                    .add("ownerName", ownerName)
                    .add("online", online));
        }
        res.status(Status.CREATED_201).send(body.json().containsKey("files")
                ? JSON.createObjectBuilder().add("files", files).build()
                : files.build().getJsonObject(0));
    }

    private void removeFile(ServerRequest req, ServerResponse res) {
        String sessionId = Ids.require(req.path().pathParameters().get("sessionId"), "session");
        String fileId = Ids.require(req.path().pathParameters().get("fileId"), "file");
        Member member = auth.member(req, sessionId);
        FileRecord file = store.file(sessionId, fileId)
                .orElseThrow(() -> ApiException.notFound("file-not-found", "no such file in this session"));
        if (!member.isHost() && !file.ownerId().equals(member.memberId())) {
            throw ApiException.forbidden("only the file's owner or the host can remove it");
        }
        store.removeFile(sessionId, fileId);
        inbox.pushEvent(sessionId, store.members(sessionId), SessionEvents.FILES_CHANGED);
        res.status(Status.NO_CONTENT_204).send();
    }

    private JsonArrayBuilder filesJson(String sessionId, List<MemberRecord> members, Map<String, Boolean> online) {
        Map<String, MemberRecord> byId = members.stream().collect(Collectors.toMap(MemberRecord::id, Function.identity()));
        JsonArrayBuilder files = JSON.createArrayBuilder();
        for (FileRecord f : store.files(sessionId)) {
            MemberRecord owner = byId.get(f.ownerId());
            files.add(JSON.createObjectBuilder(f.toJson())
                    .add("ownerName", owner == null ? "" : owner.name())
                    .add("online", online.getOrDefault(f.ownerId(), false)));
        }
        return files;
    }

    private SessionRecord existing(String sessionId) {
        return store.find(sessionId).orElseThrow(() -> ended(sessionId));
    }

    /** A member's session is gone: the host ended it (its tombstone says so), or it expired. */
    private ApiException ended(String sessionId) {
        if (store.wasEnded(sessionId)) {
            return hostEnded();
        }
        return new ApiException(Status.GONE_410, "session-expired", "this session expired: nobody used it for "
                + inWords(config.sessionIdleTtl()));
    }

    private static ApiException hostEnded() {
        return new ApiException(Status.GONE_410, "session-ended",
                "the host ended this session; ask for a new link if you still need the files");
    }

    /** "30 minutes", "2 hours", "45 seconds". */
    static String inWords(java.time.Duration d) {
        long amount;
        String unit;
        if (d.toHours() >= 2 && d.toMinutesPart() == 0) {
            amount = d.toHours();
            unit = "hour";
        } else if (d.toMinutes() >= 1) {
            amount = d.toMinutes();
            unit = "minute";
        } else {
            amount = Math.max(1, d.toSeconds());
            unit = "second";
        }
        return amount + " " + unit + (amount == 1 ? "" : "s");
    }
}
