package app.dragnshare.server.relay;

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

    /** The protocol version this server speaks (PROTOCOL.md §11). */
    public static final int PROTOCOL = 3;

    public static JsonObject ready(String sessionId, String memberId) {
        return JSON.createObjectBuilder().add("type", "ready").add("sessionId", sessionId).add("memberId", memberId)
                .add("protocol", PROTOCOL).build();
    }

    public static JsonObject request(String transferId, String fileId, String receiverId, String publicKey, String hmac,
                                     long start) {
        return JSON.createObjectBuilder().add("type", "request").add("transferId", transferId).add("fileId", fileId)
                .add("receiverId", receiverId).add("publicKey", publicKey).add("hmac", hmac).add("start", start).build();
    }

    /** The receiver's report (PROTOCOL.md §5.6) as it travels to the sharer's side: verified, receipt or failed. */
    public static JsonObject report(long verified, String receipt, String failed) {
        var builder = JSON.createObjectBuilder()
                .add("type", receipt != null ? "receipt" : failed != null ? "failed" : "verified").add("chunks", verified);
        if (receipt != null) {
            builder.add("receipt", receipt);
        }
        return builder.build();
    }

    /**
     * The sharer's offer as the receiver's stream gets it (PROTOCOL.md §4.4): its key and HMAC, and
     * the file's terms as the server lists them (the receiver checks the HMAC over them).
     */
    public static JsonObject offer(String publicKey, String hmac, String name, long size, String mediaType,
                                   long chunkSize, long chunks) {
        return JSON.createObjectBuilder().add("type", "offer").add("publicKey", publicKey).add("hmac", hmac)
                .add("name", name).add("size", size).add("mediaType", mediaType)
                .add("chunkSize", chunkSize).add("chunks", chunks).build();
    }

    public static JsonObject verified(String transferId, long chunks) {
        return JSON.createObjectBuilder().add("type", "verified").add("transferId", transferId).add("chunks", chunks).build();
    }

    public static JsonObject receipt(String transferId, long chunks, String receipt) {
        return JSON.createObjectBuilder().add("type", "receipt").add("transferId", transferId).add("chunks", chunks)
                .add("receipt", receipt).build();
    }

    public static JsonObject unconfirmed(String transferId) {
        return JSON.createObjectBuilder().add("type", "unconfirmed").add("transferId", transferId).build();
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
