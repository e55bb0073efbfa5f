package app.dragnshare.server.session;

import static app.dragnshare.server.http.JsonBuilders.JSON;

import jakarta.json.JsonObject;

/** A shared file's metadata; its contents stay with its owner. */
public record FileRecord(String id, String name, long size, String type, String ownerId, long addedAt) {

    public JsonObject toJson() {
        return JSON.createObjectBuilder()
                .add("id", id).add("name", name).add("size", size).add("type", type)
                .add("ownerId", ownerId).add("addedAt", addedAt)
                .build();
    }

    public static FileRecord fromJson(JsonObject json) {
        return new FileRecord(json.getString("id"), json.getString("name"), json.getJsonNumber("size").longValue(),
                json.getString("type"), json.getString("ownerId"), json.getJsonNumber("addedAt").longValue());
    }
}
