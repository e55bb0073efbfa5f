package app.dragnshare.server.transfer;

import java.io.StringReader;

import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;

import app.dragnshare.server.http.StrictJson;

/** The JSON messages of the transfer protocol (see PROTOCOL.md), built in one place. */
public final class Messages {
    /** Looked up once: {@code JSON.createObjectBuilder()} asks the ServiceLoader on every call, and a pull goes out per chunk. */
    private static final JsonProvider JSON = JsonProvider.provider();

    private Messages() {
    }

    /** A JSON object; a {@link jakarta.json.JsonException} if the text is not one or breaks {@link StrictJson}'s limits. */
    public static JsonObject parse(String json) {
        return StrictJson.readObject(new StringReader(json));
    }

    public static JsonObject ready(String sessionId, String memberId) {
        return JSON.createObjectBuilder().add("type", "ready").add("sessionId", sessionId).add("memberId", memberId).build();
    }

    public static JsonObject request(String transferId, String fileId, String receiverId, String publicKey, String hmac) {
        return JSON.createObjectBuilder().add("type", "request").add("transferId", transferId).add("fileId", fileId)
                .add("receiverId", receiverId).add("publicKey", publicKey).add("hmac", hmac).build();
    }

    public static JsonObject pull(String transferId, long index) {
        return JSON.createObjectBuilder().add("type", "pull").add("transferId", transferId).add("index", index).build();
    }

    public static JsonObject done(String transferId) {
        return JSON.createObjectBuilder().add("type", "done").add("transferId", transferId).build();
    }

    public static JsonObject done() {
        return JSON.createObjectBuilder().add("type", "done").build();
    }

    public static JsonObject cancel(String transferId, String code, String message) {
        var builder = JSON.createObjectBuilder().add("type", "cancel");
        if (transferId != null) {
            builder.add("transferId", transferId);
        }
        return builder.add("code", code).add("message", message).build();
    }

    public static JsonObject error(String code, String message) {
        return JSON.createObjectBuilder().add("type", "error").add("code", code).add("message", message).build();
    }

    public static JsonObject error(String transferId, String code, String message) {
        return JSON.createObjectBuilder().add("type", "error").add("transferId", transferId)
                .add("code", code).add("message", message).build();
    }
}
