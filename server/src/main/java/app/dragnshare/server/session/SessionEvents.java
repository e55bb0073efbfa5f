package app.dragnshare.server.session;

import static app.dragnshare.server.http.JsonBuilders.JSON;

import jakarta.json.JsonObject;

/** Events a member's socket forwards so its page can refresh what it shows. */
public final class SessionEvents {
    public static final String TYPE_ENDED = "session-ended";

    public static final JsonObject FILES_CHANGED = event("files-changed");
    public static final JsonObject MEMBERS_CHANGED = event("members-changed");
    public static final JsonObject SESSION_CHANGED = event("session-changed");
    public static final JsonObject ENDED = event(TYPE_ENDED);

    private SessionEvents() {
    }

    private static JsonObject event(String type) {
        return JSON.createObjectBuilder().add("type", type).build();
    }
}
