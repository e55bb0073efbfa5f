package app.dragnshare.server.testing;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.json.JsonObject;

import app.dragnshare.server.relay.RelayTap;

/**
 * A relay tap that only watches: the transfer id, first chunk and receiver key of each download
 * request and the sharer key of each offer, as they cross the server (for tests of kept key pairs,
 * PROTOCOL.md §4.10, and of where a resumed download goes on, §4.8).
 */
public final class KeyWatch implements RelayTap {
    public final List<String> transferIds = new CopyOnWriteArrayList<>();
    public final List<Long> starts = new CopyOnWriteArrayList<>();
    public final Set<String> receiverKeys = ConcurrentHashMap.newKeySet();
    public final Set<String> sharerKeys = ConcurrentHashMap.newKeySet();

    @Override
    public JsonObject request(JsonObject request) {
        transferIds.add(request.getString("transferId"));
        starts.add(request.getJsonNumber("start").longValue());
        receiverKeys.add(request.getString("publicKey"));
        return request;
    }

    @Override
    public JsonObject offer(JsonObject offer) {
        sharerKeys.add(offer.getString("publicKey"));
        return offer;
    }
}
