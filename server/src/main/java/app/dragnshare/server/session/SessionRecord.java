package app.dragnshare.server.session;

/** A session's own fields, as stored in its hash. */
public record SessionRecord(String id, String name, String joinCode, String hostId, long createdAt) {
}
