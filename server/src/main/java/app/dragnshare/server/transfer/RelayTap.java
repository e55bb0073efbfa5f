package app.dragnshare.server.transfer;

import jakarta.json.JsonObject;

/**
 * A seat on the relay path for tests that play a malicious server: it sees (and may alter) each
 * download request on its way to the sharer and each offer on its way to the receiver. The
 * production server passes {@link #NONE}; the clients' HMAC checks are what make altering useless.
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
}
