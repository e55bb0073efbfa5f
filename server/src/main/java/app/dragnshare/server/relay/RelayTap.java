package app.dragnshare.server.relay;

import java.util.List;

import jakarta.json.JsonObject;

/**
 * A seat on the relay path for tests that play a malicious server: it sees (and may alter) each
 * download request on its way to the sharer and each offer on its way to the receiver, may send
 * each pull as other pulls, and sees each chunk the sharer starts. The production server passes
 * {@link #NONE}; the clients' HMAC checks and in-order pull checks are what make altering useless.
 */
public interface RelayTap {
    RelayTap NONE = new RelayTap() {
    };

    default JsonObject request(JsonObject request) {
        return request;
    }

    default JsonObject offer(JsonObject offer) {
        return offer;
    }

    /** The pulls to send to the sharer in place of {@code pull} (a malicious relay may repeat or reorder). */
    default List<JsonObject> pull(JsonObject pull) {
        return List.of(pull);
    }

    /** The sharer started sending chunk {@code index} of {@code transferId} (before the server checks it). */
    default void chunkStarted(String transferId, long index) {
    }
}
