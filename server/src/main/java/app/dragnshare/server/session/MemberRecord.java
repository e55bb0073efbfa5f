package app.dragnshare.server.session;

import static app.dragnshare.server.http.JsonBuilders.JSON;

import jakarta.json.JsonObject;

import app.dragnshare.server.auth.Role;

/** A member as stored in the session's members hash. */
public record MemberRecord(String id, String name, Role role, long joinedAt) {

    public JsonObject toJson() {
        return JSON.createObjectBuilder()
                .add("id", id).add("name", name).add("role", role.wireName()).add("joinedAt", joinedAt)
                .build();
    }

    public static MemberRecord fromJson(JsonObject json) {
        return new MemberRecord(json.getString("id"), json.getString("name"),
                Role.fromWire(json.getString("role")).orElseThrow(), json.getJsonNumber("joinedAt").longValue());
    }
}
